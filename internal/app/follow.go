package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// follow reads every vehicle and energy site each interval, the way the
// integration's coordinators do (a free state check first; vehicle_data
// only for an online car, so reads never wake it), and prints a line
// whenever a device's summary changes.
func follow(ctx context.Context, c *fleet.Client, p *fleet.Products, every time.Duration, out io.Writer) error {
	last := map[string]string{}
	show := func(id, line string) {
		if last[id] != line {
			last[id] = line
			fmt.Fprintf(out, "%s  %s\n", time.Now().Format("15:04:05"), line)
		}
	}
	fmt.Fprintf(out, "Following states every %s (Ctrl-C to stop)\n", every)
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		for _, v := range p.Vehicles() {
			vin := str(v.VIN)
			show(vin, vehicleLine(ctx, c, v))
		}
		for _, s := range p.EnergySites() {
			if !s.HasComponents() || s.EnergySiteID == nil {
				continue
			}
			show(fmt.Sprint(*s.EnergySiteID), siteLine(ctx, c, s))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func vehicleLine(ctx context.Context, c *fleet.Client, v *fleet.Vehicle) string {
	name := fmt.Sprintf("%-10s", str(v.DisplayName))
	vin := str(v.VIN)
	cur, err := c.Vehicle(ctx, vin)
	if err != nil {
		return name + " " + readError(err)
	}
	if !cur.Online() {
		return name + " " + str(cur.State)
	}
	d, err := c.VehicleData(ctx, vin, append(fleet.HASections, fleet.SectionLocationData)...)
	if errors.Is(err, fleet.ErrAsleep) {
		return name + " asleep"
	}
	if err != nil {
		return name + " " + readError(err)
	}
	parts := []string{name, "online"}
	if cs := d.ChargeState; cs != nil {
		parts = append(parts, fmt.Sprintf("battery %s%%", num(cs.BatteryLevel, 0)), str(cs.ChargingState))
		if cs.ChargerPower != nil && *cs.ChargerPower > 0 {
			parts = append(parts, num(cs.ChargerPower, 0)+" kW")
		}
		if cs.ChargeLimitSoc != nil {
			parts = append(parts, fmt.Sprintf("limit %d%%", *cs.ChargeLimitSoc))
		}
	}
	if vs := d.VehicleState; vs != nil {
		parts = append(parts, "odometer "+num(vs.Odometer, 1)+" mi")
		if vs.Locked != nil {
			parts = append(parts, map[bool]string{true: "locked", false: "unlocked"}[*vs.Locked])
		}
	}
	if ds := d.DriveState; ds != nil && ds.ShiftState != nil && *ds.ShiftState == "D" {
		parts = append(parts, "driving")
	}
	if cl := d.ClimateState; cl != nil {
		parts = append(parts, "inside "+num(cl.InsideTemp, 1)+" °C")
	}
	return strings.Join(parts, "  ")
}

func siteLine(ctx context.Context, c *fleet.Client, s *fleet.EnergySiteProduct) string {
	name := fmt.Sprintf("%-10s", str(s.SiteName))
	ls, err := c.LiveStatus(ctx, *s.EnergySiteID)
	if err != nil {
		return name + " " + readError(err)
	}
	line := fmt.Sprintf("%s solar %s kW  battery %s kW (%s%%)  grid %s kW  home %s kW",
		name, kw(ls.SolarPower), kw(ls.BatteryPower), num(ls.PercentageCharged, 0), kw(ls.GridPower), kw(ls.LoadPower))
	for _, wc := range ls.WallConnectors {
		if wc.WallConnectorPower != nil && *wc.WallConnectorPower > 0 {
			line += fmt.Sprintf("  wall connector %s kW", kw(wc.WallConnectorPower))
		}
	}
	return line
}

// printProducts lists the account's products.
func printProducts(out io.Writer, p *fleet.Products) {
	fmt.Fprintf(out, "Products:\n")
	for _, v := range p.Vehicles() {
		fmt.Fprintf(out, "  vehicle  %-10s VIN %s  state %s  command signing %s\n",
			str(v.DisplayName), str(v.VIN), str(v.State), str(v.CommandSigning))
	}
	for _, s := range p.EnergySites() {
		wcs := 0
		if s.Components != nil {
			wcs = len(s.Components.WallConnectors)
		}
		id := int64(0)
		if s.EnergySiteID != nil {
			id = *s.EnergySiteID
		}
		if !s.HasComponents() {
			fmt.Fprintf(out, "  site     id %d has no battery, solar or wall connector: skipped\n", id)
			continue
		}
		fmt.Fprintf(out, "  site     %-10s id %d  %s  wall connectors %d\n", str(s.SiteName), id, str(s.ResourceType), wcs)
	}
}

// printCost shows the ledger: what these calls would cost on Tesla's bill.
func printCost(out io.Writer, s fleet.Summary) {
	u := s.Usage
	fmt.Fprintf(out, "Fleet API usage: %d data, %d commands, %d wakes, %d free — $%.3f before the monthly credit, $%.2f due\n",
		u.Data, u.Commands, u.Wakes, u.Free, s.Cost, s.Due)
}

func readError(err error) string {
	switch {
	case errors.Is(err, fleet.ErrAsleep):
		return "asleep"
	case errors.Is(err, fleet.ErrRateLimited):
		return "rate limited"
	}
	return "read failed: " + err.Error()
}

func str(p *string) string {
	if p == nil {
		return "?"
	}
	return *p
}

func num[T int | int64 | float64](p *T, decimals int) string {
	if p == nil {
		return "?"
	}
	return fmt.Sprintf("%.*f", decimals, float64(*p))
}

func kw(w *float64) string {
	if w == nil {
		return "?"
	}
	return fmt.Sprintf("%.1f", *w/1000)
}
