package entity

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"text/tabwriter"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestGoldenEntities lists every entity the integration creates for Home
// Assistant's fixtures (all scopes, all entities enabled, clock frozen at
// 2024-01-01 as its snapshot tests do): entity id, unique id, name, enabled
// by default, unit and state, then the state after a refresh with
// vehicle_data_alt.json. Review a change of the golden file against the
// integration (ha-tesla-fleet §4), then rewrite it with -update.
func TestGoldenEntities(t *testing.T) {
	for _, units := range []UnitSystem{Metric, Imperial} {
		t.Run(string(units), func(t *testing.T) {
			h := newHASetup(t, Options{AllEnabled: true, Units: units}, allScopes)
			first := map[string]string{}
			for _, s := range h.reg.States() {
				first[s.EntityID] = s.State
			}
			var alt fleet.VehicleData
			fixture(t, "vehicle_data_alt.json", &alt)
			h.reg.UpdateVehicle(h.vin, "online", &alt, nil)

			var buf bytes.Buffer
			w := tabwriter.NewWriter(&buf, 0, 0, 1, ' ', 0)
			fmt.Fprintln(w, "entity_id\tunique_id\tname\tenabled_default\tunit\tstate\tstate_alt")
			for _, e := range h.reg.Entities() {
				alt, _ := h.reg.State(e.EntityID)
				unit := e.Unit
				if unit == "" {
					unit = "-"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%v\t%s\t%s\t%s\n", e.EntityID, e.UniqueID, e.OriginalName, e.EnabledByDefault, unit, first[e.EntityID], alt.State)
			}
			w.Flush()
			golden(t, filepath.Join("testdata", "entities_"+string(units)+".golden"), buf.Bytes())
		})
	}
}

// golden compares got with the file, or rewrites it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}
