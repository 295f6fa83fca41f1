package app

import (
	"fmt"
	"io"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// printProducts lists the account's products.
func printProducts(out io.Writer, p *fleet.Products) {
	fmt.Fprintf(out, "Products:\n")
	vehicles := p.Vehicles()
	for i, v := range vehicles {
		if i == 10 && len(vehicles) > 12 {
			fmt.Fprintf(out, "  … and %d more vehicles\n", len(vehicles)-i)
			break
		}
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

func str(p *string) string {
	if p == nil {
		return "?"
	}
	return *p
}
