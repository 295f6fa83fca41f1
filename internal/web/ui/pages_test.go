package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/testfixture"
	"github.com/teslafleet/teslafleet/internal/web"
)

// shown is the text of the element that shows an entity's state.
func shown(t *testing.T, page, entityID string) string {
	t.Helper()
	re := regexp.MustCompile(`data-entity="` + regexp.QuoteMeta(entityID) + `" data-show="state">([^<]*)<`)
	m := re.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page shows no %s", entityID)
	}
	return m[1]
}

// The dashboard shows the fixture car's and site's values as the API has
// them (Tesla's vehicle_data: battery_level 77, charge_limit_soc 80).
func TestDashboardShowsTheFixtures(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser(t)
	b.signIn(apiToken, "")
	page := b.get("/").body
	want := strconv.FormatFloat(*s.data.ChargeState.BatteryLevel, 'f', -1, 64)
	if got := shown(t, page, "sensor.test_battery_level"); got != want || want != "77" {
		t.Errorf("battery level shown %q, want %q (the fixture's 77)", got, want)
	}
	if !strings.Contains(page, `name="value" min="50" max="100" step="1" value="80"`) {
		t.Error("the charge limit's control does not hold the fixture's 80 within 50–100")
	}
	for _, id := range []string{"switch.test_sentry_mode", "lock.test_lock", "sensor.energy_site_solar_power"} {
		if !strings.Contains(page, `data-entity="`+id+`"`) {
			t.Errorf("the dashboard lacks %s", id)
		}
	}
	st, _ := s.reg.State("sensor.energy_site_solar_power")
	f, _ := strconv.ParseFloat(st.State, 64)
	if got := shown(t, page, "sensor.energy_site_solar_power"); got != fmt.Sprintf("%.2f", f) {
		t.Errorf("solar power shown %q, want %.2f (kW, two decimals)", got, f)
	}
}

// A control's form without the page's script: the CSRF token is needed,
// a valid value is sent, a refused one sends nothing and shows the entity
// layer's message.
func TestControlForms(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser(t)
	csrf := b.signIn(apiToken, "")
	post := func(form url.Values) answer {
		return b.do(http.MethodPost, "/call", form, map[string]string{"Referer": s.srv.URL + "/entities"})
	}
	a := post(url.Values{"domain": {"number"}, "service": {"set_value"}, "entity_id": {"number.test_charge_limit"}, "value": {"90"}})
	if a.status != http.StatusForbidden || len(s.snd.commands()) != 0 {
		t.Fatalf("without the CSRF token: %d, sent %v", a.status, s.snd.commands())
	}
	a = post(url.Values{"csrf": {csrf}, "domain": {"number"}, "service": {"set_value"}, "entity_id": {"number.test_charge_limit"}, "value": {"90"}})
	if a.status != http.StatusSeeOther || !strings.HasPrefix(a.location, "/entities#") {
		t.Fatalf("set the charge limit: %d → %q %s", a.status, a.location, a.body)
	}
	if got := s.snd.commands(); len(got) != 1 || got[0] != "set_charge_limit" {
		t.Fatalf("sent %v", got)
	}
	if st, _ := s.reg.State("number.test_charge_limit"); st.State != "90" && st.State != "90.0" {
		t.Errorf("charge limit state %q after the call, want 90", st.State)
	}
	for _, c := range []struct {
		name, value string
	}{{"above the maximum", "101"}, {"not a number", "ninety"}} {
		t.Run(c.name, func(t *testing.T) {
			a := post(url.Values{"csrf": {csrf}, "domain": {"number"}, "service": {"set_value"}, "entity_id": {"number.test_charge_limit"}, "value": {c.value}})
			if a.status != http.StatusBadRequest || !strings.Contains(a.body, `role="alert"`) {
				t.Fatalf("%d\n%s", a.status, a.body)
			}
			if got := s.snd.commands(); len(got) != 1 {
				t.Fatalf("a refused value was sent: %v", got)
			}
		})
	}
	// The script asks for JSON and gets the message.
	a = b.do(http.MethodPost, "/call", url.Values{"csrf": {csrf}, "domain": {"number"}, "service": {"set_value"},
		"entity_id": {"number.test_charge_limit"}, "value": {"20"}}, map[string]string{"Accept": "application/json"})
	if a.status != http.StatusBadRequest || !strings.HasPrefix(a.body, `{"message":`) {
		t.Fatalf("JSON refusal: %d %s", a.status, a.body)
	}
}

// A disabled-by-default entity is listed with its enable toggle; enabling
// it makes it an entity with a state.
func TestEnableToggle(t *testing.T) {
	s := newSite(t, nil)
	b := s.browser(t)
	csrf := b.signIn(apiToken, "")
	var off string
	for _, in := range s.reg.Entities() {
		if !in.Enabled && !in.EnabledByDefault {
			off = in.EntityID
			break
		}
	}
	if off == "" {
		t.Fatal("the fixture has no entity disabled by default")
	}
	page := b.get("/entities").body
	if !strings.Contains(page, `name="entity_id" value="`+off+`"><input type="hidden" name="enabled" value="on">`) {
		t.Fatalf("%s is not listed with an enable toggle", off)
	}
	a := b.do(http.MethodPost, "/entities/enabled", url.Values{"csrf": {csrf}, "entity_id": {off}, "enabled": {"on"}}, nil)
	if a.status != http.StatusSeeOther {
		t.Fatalf("enable: %d %s", a.status, a.body)
	}
	if in, _ := s.reg.Entity(off); !in.Enabled {
		t.Fatalf("%s is still disabled", off)
	}
}

type fakeCost struct{ rep web.CostReport }

func (f fakeCost) MonthCost(context.Context) (web.CostReport, error) { return f.rep, nil }

// The cost page shows the report's numbers: totals, categories, devices by
// name, the projection against the credit, and the polling that drives it.
func TestCostPage(t *testing.T) {
	rep := web.CostReport{
		Month: "2026-12", CostUSD: 12.5, CreditUSD: 10, DueUSD: 2.5, MonthlyCreditUSD: 10,
		ProjectedUSD: 37.5, ProjectedDueUSD: 27.5, DaysElapsed: 10, DaysInMonth: 31,
		PricesUSD: map[string]float64{"data": 0.002, "commands": 0.001, "wakes": 0.02, "signals": 1.0 / 150000},
		Accounts: []web.AccountCost{{Account: "a",
			Usage:       map[string]int{"data": 6000, "commands": 200, "wakes": 10},
			ByDevice:    map[string]map[string]int{"LRWXF7EK4KC700000": {"data": 6000, "commands": 200, "wakes": 10}},
			CategoryUSD: map[string]float64{"data": 12, "commands": 0.2, "wakes": 0.2},
			DeviceUSD:   map[string]float64{"LRWXF7EK4KC700000": 12.4},
		}},
		Drivers: []web.CostDriver{{Account: "a", Device: "LRWXF7EK4KC700000", Polling: true, IntervalSeconds: 600, MaxMonthUSD: 8.64}},
	}
	s := newSite(t, func(o *Options) { o.Cost = fakeCost{rep} })
	b := s.browser(t)
	b.signIn(apiToken, "")
	page := b.get("/cost").body
	for key, want := range map[string]string{
		"cost_usd": "12.5", "due_usd": "2.5", "projected_usd": "37.5", "category.data.usd": "12",
		"category.data.units": "6000", "category.wakes.units": "10", "driver.LRWXF7EK4KC700000.max_usd": "8.64",
	} {
		if !strings.Contains(page, `data-cost="`+key+`" data-value="`+want+`"`) {
			t.Errorf("cost page lacks %s = %s", key, want)
		}
	}
	for _, text := range []string{"Test", "10m0s", "500 per $1", "more than the credit"} {
		if !strings.Contains(page, text) {
			t.Errorf("cost page lacks %q", text)
		}
	}
}

type fakeHistory struct{ states map[string][]entity.State }

func (f fakeHistory) StateHistory(_ context.Context, ids []string, _, _ time.Time) (map[string][]entity.State, error) {
	out := map[string][]entity.State{}
	for _, id := range ids {
		if s, ok := f.states[id]; ok {
			out[id] = s
		}
	}
	return out, nil
}

// The history page draws the battery level from the history as an SVG
// chart, with an accessible name.
func TestHistoryPage(t *testing.T) {
	now := time.Now()
	at := func(ago time.Duration, v string) entity.State {
		return entity.State{EntityID: "sensor.test_battery_level", State: v, LastChanged: entity.Time{Time: now.Add(-ago)}}
	}
	h := fakeHistory{states: map[string][]entity.State{"sensor.test_battery_level": {at(20*time.Hour, "50"), at(10*time.Hour, "unavailable"), at(time.Hour, "77")}}}
	s := newSite(t, func(o *Options) { o.History = h })
	b := s.browser(t)
	b.signIn(apiToken, "")
	for _, r := range []string{"24h", "7d"} {
		t.Run(r, func(t *testing.T) {
			page := b.get("/history?range=" + r).body
			if !strings.Contains(page, "<svg") || !strings.Contains(page, "Test Battery level") {
				t.Fatalf("no battery chart:\n%.2000s", page)
			}
			if !strings.Contains(page, `href="/history?range=`+r+`" aria-current="page"`) {
				t.Error("the period is not marked current")
			}
		})
	}
}

// BenchmarkDashboard renders the dashboard of 10 vehicles and 3 energy
// sites for a signed-in browser.
func BenchmarkDashboard(b *testing.B) {
	reg := entity.New(entity.Options{})
	testfixture.Fleet(b, reg, &sender{}, 10, 3)
	gate, err := web.NewGate(web.GateOptions{Tokens: []string{apiToken}})
	if err != nil {
		b.Fatal(err)
	}
	sessions := &memSessions{sessions: map[string]Session{}, now: time.Now}
	u, err := New(Options{Registry: reg, Gate: gate, Sessions: sessions, Location: time.UTC})
	if err != nil {
		b.Fatal(err)
	}
	id := "session-id"
	sessions.sessions[hashID(id)] = Session{Hash: hashID(id), CSRF: "c", ExpiresAt: time.Now().Add(time.Hour)}
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.AddCookie(&http.Cookie{Name: sessionCookie, Value: id})
	var n int
	for b.Loop() {
		rec := httptest.NewRecorder()
		u.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatal(rec.Code)
		}
		n = rec.Body.Len()
	}
	b.SetBytes(int64(n))
}

type fakePolling struct {
	calls []string
}

func (f *fakePolling) SetPolling(_ context.Context, account string, on bool) error {
	if account != "a" {
		return &entity.Error{Kind: entity.KindBadRequest, Message: "No account " + account + "."}
	}
	f.calls = append(f.calls, fmt.Sprintf("%s=%v", account, on))
	return nil
}

// The cost page's polling switch needs the CSRF token, switches the
// account the form names, and shows a refusal's message.
func TestPollingSwitch(t *testing.T) {
	rep := web.CostReport{Month: "2026-12", MonthlyCreditUSD: 10,
		Drivers: []web.CostDriver{{Account: "a", Device: "LRWXF7EK4KC700000", Polling: true, IntervalSeconds: 600}}}
	pol := &fakePolling{}
	s := newSite(t, func(o *Options) { o.Cost, o.Polling = fakeCost{rep}, pol })
	b := s.browser(t)
	csrf := b.signIn(apiToken, "")
	page := b.get("/cost").body
	if !strings.Contains(page, `name="account" value="a"><input type="hidden" name="on" value="off">`) ||
		!strings.Contains(page, `aria-label="Polling of Test"`) {
		t.Fatalf("no switch to turn account a's polling off:\n%s", page)
	}
	if a := b.do(http.MethodPost, "/cost/polling", url.Values{"account": {"a"}, "on": {"off"}}, nil); a.status != http.StatusForbidden || len(pol.calls) != 0 {
		t.Fatalf("without the CSRF token: %d, calls %v", a.status, pol.calls)
	}
	if a := b.do(http.MethodPost, "/cost/polling", url.Values{"csrf": {csrf}, "account": {"a"}, "on": {"off"}}, nil); a.status != http.StatusSeeOther {
		t.Fatalf("switch off: %d %s", a.status, a.body)
	}
	if fmt.Sprint(pol.calls) != "[a=false]" {
		t.Errorf("calls %v, want [a=false]", pol.calls)
	}
	a := b.do(http.MethodPost, "/cost/polling", url.Values{"csrf": {csrf}, "account": {"zz"}, "on": {"on"}}, nil)
	if a.status != http.StatusBadRequest || !strings.Contains(a.body, "No account zz.") {
		t.Errorf("unknown account: %d %s", a.status, a.body)
	}
}

// Alerts are shown on top of every signed-in page with their link, and
// their text is escaped.
func TestAlerts(t *testing.T) {
	s := newSite(t, func(o *Options) {
		o.Alerts = func() []Alert {
			return []Alert{{Text: "Tesla refused <account>", Link: "/setup#step-login", LinkText: "Sign in again"}}
		}
	})
	b := s.browser(t)
	if page := b.get("/login").body; strings.Contains(page, "Tesla refused") {
		t.Error("an alert is shown before signing in")
	}
	b.signIn(apiToken, "")
	for _, path := range []string{"/", "/entities"} {
		page := b.get(path).body
		if !strings.Contains(page, `<p class="alert" role="alert">Tesla refused &lt;account&gt; <a href="/setup#step-login">Sign in again</a></p>`) {
			t.Errorf("%s lacks the alert", path)
		}
	}
}

// A control offers as buttons the services its entity has, in the
// platform's order, each named after the entity.
func TestButtonsFor(t *testing.T) {
	for _, c := range []struct {
		platform string
		has      []string
		want     string
	}{
		{"cover", []string{"close_cover", "open_cover"}, "[open_cover:Open:Open Trunk close_cover:Close:Close Trunk]"},
		{"lock", []string{"lock", "unlock"}, "[lock:Lock:Lock Trunk unlock:Unlock:Unlock Trunk]"},
		{"media_player", []string{"media_play_pause", "volume_set"}, "[media_play_pause:Play/pause:Play or pause Trunk]"},
		{"switch", []string{"turn_on"}, "[]"},
	} {
		t.Run(c.platform, func(t *testing.T) {
			has := map[string]bool{}
			for _, s := range c.has {
				has[s] = true
			}
			var got []string
			for _, b := range buttonsFor(c.platform, "Trunk", has) {
				got = append(got, b.Service+":"+b.Label+":"+b.Name)
			}
			if fmt.Sprint(got) != c.want {
				t.Errorf("got %v, want %s", got, c.want)
			}
		})
	}
}
