package sim

import (
	"fmt"
	"strings"
	"testing"

	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// A command refused for a bad value gives the same reason signed as over
// REST (Tesla's wording), never the world's internal text.
func TestSignedRefusalReadsLikeREST(t *testing.T) {
	c, err := NewInMemory(Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	m := newMemClient(t, c)
	tok := m.token(allScopes...)
	if err := c.World().SetVehicle(world.DemoModelS, world.VehiclePatch{State: ptr("online")}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		params map[string]any
	}{
		{"set_charge_limit", map[string]any{"percent": 120}},
		{"set_charge_limit", map[string]any{"percent": "lots"}},
		{"set_sentry_mode", map[string]any{"on": "yes"}},
	} {
		t.Run(tc.name+"/"+fmt.Sprint(tc.params), func(t *testing.T) {
			st, body := m.do("POST", InMemoryBaseURLs["NA"]+"/api/1/vehicles/"+world.DemoModelS+"/command/"+tc.name, tok, tc.params)
			var eb errorBody
			mustJSON(t, body, &eb)
			if st != 400 || eb.Error != "invalid_field" || eb.ErrorDescription == "" {
				t.Fatalf("REST: %d %s; want 400 invalid_field with a description", st, body)
			}
			ok, reason, err := executor{w: c.World(), vin: world.DemoModelS}.Execute(tc.name, tc.params)
			if ok || err != nil {
				t.Fatalf("signed: ok %v, err %v; want a refusal", ok, err)
			}
			if reason != eb.ErrorDescription {
				t.Errorf("signed reason %q; REST says %q", reason, eb.ErrorDescription)
			}
			if strings.Contains(reason, "world:") {
				t.Errorf("signed reason %q carries the world's internal prefix", reason)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
