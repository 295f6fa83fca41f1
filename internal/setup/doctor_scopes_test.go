package setup

import (
	"strings"
	"testing"
)

// MissingScopes names each scope a token lacks and what it disables;
// vehicle_cmds covers the charging scope.
func TestMissingScopes(t *testing.T) {
	for _, c := range []struct {
		name   string
		scopes []string
		want   []string // prefixes, in order
	}{
		{"all", []string{"openid", "offline_access", "vehicle_device_data", "vehicle_location", "vehicle_cmds", "vehicle_charging_cmds", "energy_device_data", "energy_cmds"}, nil},
		{"read only", []string{"openid", "offline_access", "vehicle_device_data", "energy_device_data"},
			[]string{"vehicle_location (disables", "vehicle_cmds (disables", "vehicle_charging_cmds (disables", "energy_cmds (disables"}},
		{"vehicle_cmds covers charging", []string{"offline_access", "vehicle_device_data", "vehicle_location", "vehicle_cmds", "energy_device_data", "energy_cmds"}, nil},
		{"no energy", []string{"offline_access", "vehicle_device_data", "vehicle_location", "vehicle_cmds"},
			[]string{"energy_device_data (no energy sites)", "energy_cmds (disables"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := MissingScopes(c.scopes)
			if len(got) != len(c.want) {
				t.Fatalf("%q, want %q", got, c.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], c.want[i]) {
					t.Errorf("%d: %q, want %q…", i, got[i], c.want[i])
				}
			}
		})
	}
}
