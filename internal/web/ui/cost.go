package ui

import (
	"cmp"
	"context"
	"net/http"
	"sort"
	"time"

	"github.com/teslafleet/teslafleet/internal/web"
)

// costView is the cost page: this month's report, summed over accounts.
type costView struct {
	web.CostReport
	Categories []costLine
	Devices    []costLine
	Drivers    []driverLine
	// CreditShare is the projection against the credit, in percent
	// (capped at 100 for the bar).
	CreditShare float64
	Over        bool // the projection passes the credit
	Accounts    int
	Polling     []accountPolling // each account's polling switch
	CanSwitch   bool             // the switches work (Options.Polling)
}

// accountPolling is one account's polling switch on the cost page.
type accountPolling struct {
	Account  string
	Vehicles []string
	On       bool
}

// Polling switches an account's automatic polling (Home Assistant's
// "Enable polling for updates"): off, nothing is read but what a forced
// refresh (homeassistant.update_entity) asks for. The switch is kept.
type Polling interface {
	SetPolling(ctx context.Context, accountID string, on bool) error
}

// costLine is one row: a category's or a device's units and dollars.
type costLine struct {
	Key, Name string
	Units     map[string]int
	Total     int
	USD       float64
}

type driverLine struct {
	web.CostDriver
	Interval string
}

// costCategories are the billed categories, in the page's order.
var costCategories = []struct{ Key, Name string }{
	{"data", "Data requests"}, {"commands", "Commands"}, {"wakes", "Wakes"}, {"signals", "Streaming signals"},
}

func (u *UI) cost(w http.ResponseWriter, r *http.Request, s Session) {
	if u.o.Cost == nil {
		u.render(w, r, http.StatusNotFound, "message", page{Title: "Cost", Nav: "cost", CSRF: s.CSRF,
			Data: messageView{Text: "This teslafleet keeps no cost ledger.", Back: "/"}})
		return
	}
	rep, err := u.o.Cost.MonthCost(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	v := costView{CostReport: rep, Accounts: len(rep.Accounts)}
	names := map[string]string{}
	for _, d := range u.o.Registry.Devices() {
		names[d.ID] = d.Name
	}
	cats := map[string]*costLine{}
	devs := map[string]*costLine{}
	for _, c := range costCategories {
		cats[c.Key] = &costLine{Key: c.Key, Name: c.Name}
	}
	for _, a := range rep.Accounts {
		for _, c := range costCategories {
			cats[c.Key].Total += a.Usage[c.Key]
			cats[c.Key].USD += a.CategoryUSD[c.Key]
		}
		for dev, usage := range a.ByDevice {
			l, ok := devs[dev]
			if !ok {
				l = &costLine{Key: dev, Name: cmp.Or(names[dev], dev), Units: map[string]int{}}
				if dev == "account" {
					l.Name = "Account-wide (product list, …)"
				}
				devs[dev] = l
			}
			for k, n := range usage {
				l.Units[k] += n
			}
			l.USD += a.DeviceUSD[dev]
		}
	}
	for _, c := range costCategories {
		if c.Key == "signals" && cats[c.Key].Total == 0 {
			continue // no streaming yet: no row
		}
		v.Categories = append(v.Categories, *cats[c.Key])
	}
	for _, l := range devs {
		v.Devices = append(v.Devices, *l)
	}
	sort.Slice(v.Devices, func(i, j int) bool { return v.Devices[i].Name < v.Devices[j].Name })
	for _, d := range rep.Drivers {
		dl := driverLine{CostDriver: d, Interval: (time.Duration(d.IntervalSeconds) * time.Second).String()}
		if dl.Name == "" {
			dl.Name = cmp.Or(names[d.Device], d.Device)
		}
		v.Drivers = append(v.Drivers, dl)
	}
	v.CanSwitch = u.o.Polling != nil
	byAccount := map[string]int{}
	for _, d := range v.Drivers {
		i, ok := byAccount[d.Account]
		if !ok {
			i = len(v.Polling)
			byAccount[d.Account] = i
			v.Polling = append(v.Polling, accountPolling{Account: d.Account, On: d.Polling})
		}
		v.Polling[i].Vehicles = append(v.Polling[i].Vehicles, d.Name)
	}
	credit := rep.MonthlyCreditUSD * float64(max(len(rep.Accounts), 1))
	if credit > 0 {
		v.CreditShare = min(100, rep.ProjectedUSD/credit*100)
		v.Over = rep.ProjectedUSD > credit
	}
	u.render(w, r, http.StatusOK, "cost", page{Title: "Cost", Nav: "cost", CSRF: s.CSRF, Data: v})
}

// setPolling switches an account's polling (account, on=on|off).
func (u *UI) setPolling(w http.ResponseWriter, r *http.Request, _ Session) {
	if u.o.Polling == nil {
		http.Error(w, "Polling cannot be switched here.", http.StatusNotFound)
		return
	}
	on := r.PostFormValue("on") == "on"
	if err := u.o.Polling.SetPolling(r.Context(), r.PostFormValue("account"), on); err != nil {
		u.callFailed(w, r, err)
		return
	}
	http.Redirect(w, r, "/cost#cost-drivers", http.StatusSeeOther)
}
