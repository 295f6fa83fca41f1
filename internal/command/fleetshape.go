package command

import "github.com/teslafleet/teslafleet/internal/fleet"

// The few fields of fleet's responses the Commander reads.

type productVehicle struct{ vin, signing string }

func productVehicles(p *fleet.Products) []productVehicle {
	if p == nil {
		return nil
	}
	var out []productVehicle
	for _, v := range p.Vehicles() {
		if v.VIN == nil || v.CommandSigning == nil {
			continue
		}
		out = append(out, productVehicle{vin: *v.VIN, signing: *v.CommandSigning})
	}
	return out
}

func pairedVINs(s *fleet.FleetStatus) []string {
	if s == nil {
		return nil
	}
	return s.KeyPairedVINs
}
