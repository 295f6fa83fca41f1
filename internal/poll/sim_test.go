package poll_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/poll"
	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/oauth"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// The real client against the simulated cloud: refreshing an asleep car
// costs only the free check (nothing billed, the car stays asleep); an
// online car gets its data; a site's three coordinators decode.
func TestAgainstSimulator(t *testing.T) {
	srv, err := sim.Start("", sim.Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	tok, err := srv.MintToken(world.DemoEmail, oauth.AllScopes())
	if err != nil {
		t.Fatal(err)
	}
	ledger := fleet.NewLedger()
	client := fleet.New(fleet.Config{
		BaseURLs: map[fleet.Region]string{fleet.RegionNA: srv.URLs["NA"]},
		Ledger:   ledger,
	}, fleet.StaticToken(tok.AccessToken))
	control := func(method, path string, body any) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, srv.URLs["NA"]+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	setState := func(vin, state string) {
		control(http.MethodPatch, "/_sim/vehicles/"+vin, map[string]string{"state": state})
	}

	var got []poll.Snapshot
	s := poll.New(poll.Config{Fetcher: client, Sink: func(sn poll.Snapshot) { got = append(got, sn) }})
	v := s.AddVehicle(poll.VehicleSpec{VIN: world.DemoModelS, Location: true})

	setState(world.DemoModelS, "asleep")
	if sn := v.Refresh(t.Context()); sn.State != "asleep" || sn.Data != nil || sn.Err != nil {
		t.Fatalf("asleep refresh: %+v", sn)
	}
	if u := ledger.Totals().Usage; u.Data != 0 || u.Wakes != 0 {
		t.Errorf("refreshing an asleep car billed %+v", u)
	}

	setState(world.DemoModelS, "online")
	sn := v.Refresh(t.Context())
	if sn.State != "online" || sn.Err != nil || sn.Data == nil || sn.Data.ChargeState == nil || sn.Data.DriveState == nil {
		t.Fatalf("online refresh: %+v", sn)
	}
	if u := ledger.Totals().Usage; u.Data != 1 {
		t.Errorf("online refresh billed %d data calls, want 1", u.Data)
	}

	control(http.MethodPost, "/_sim/clock", map[string]string{"advance": "1h"}) // some history today
	live, info, hist := s.AddSite(world.DemoSiteID)
	if sn := live.Refresh(t.Context()); sn.Err != nil || sn.Live == nil {
		t.Errorf("live: %+v", sn)
	}
	if sn := info.Refresh(t.Context()); sn.Err != nil || sn.Info == nil {
		t.Errorf("info: %+v", sn)
	}
	if sn := hist.Refresh(t.Context()); sn.Err != nil || sn.History == nil || len(sn.History.Fields) != len(fleet.EnergyHistoryFields) {
		t.Errorf("history: %+v", sn)
	}
	if len(got) != 5 {
		t.Errorf("sink got %d snapshots, want 5", len(got))
	}
}
