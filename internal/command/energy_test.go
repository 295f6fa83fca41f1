package command

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// fakeEnergy adds the energy commands to fakeFleet.
type fakeEnergy struct {
	*fakeFleet
	err error
}

func (f *fakeEnergy) SetBackupReserve(ctx context.Context, siteID int64, percent int) error {
	f.record("backup")
	return f.err
}
func (f *fakeEnergy) SetOperationMode(ctx context.Context, siteID int64, mode string) error {
	f.record("operation " + mode)
	return f.err
}
func (f *fakeEnergy) SetStormMode(ctx context.Context, siteID int64, enabled bool) error {
	f.record("storm_mode")
	return f.err
}
func (f *fakeEnergy) SetGridImportExport(ctx context.Context, siteID int64, g fleet.GridImportExport) error {
	f.record("grid_import_export")
	return f.err
}
func (f *fakeEnergy) SetOffGridVehicleChargingReserve(ctx context.Context, siteID int64, percent int) error {
	f.record("off_grid")
	return f.err
}

// TestEnergyInvalidIsRefusedBeforeSending: over the real fleet client, an
// invalid setting is ErrInvalidArgument (fleet's *ValidationError underneath)
// and no request reaches the server.
func TestEnergyInvalidIsRefusedBeforeSending(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "unexpected request", http.StatusTeapot)
	}))
	t.Cleanup(srv.Close)
	fc := fleet.New(fleet.Config{BaseURLs: map[fleet.Region]string{fleet.RegionNA: srv.URL}}, fleet.StaticToken("token"))
	c := newCommander(t, fastConfig(fc, nil))
	ctx := context.Background()
	for name, err := range map[string]error{
		"reserve -1":       c.SetBackupReserve(ctx, 1, -1),
		"reserve 101":      c.SetBackupReserve(ctx, 1, 101),
		"site 0":           c.SetBackupReserve(ctx, 0, 20),
		"mode":             c.SetOperationMode(ctx, 1, "eco"),
		"export rule":      c.SetGridImportExport(ctx, 1, fleet.GridImportExport{CustomerPreferredExportRule: "always"}),
		"nothing to set":   c.SetGridImportExport(ctx, 1, fleet.GridImportExport{}),
		"off-grid reserve": c.SetOffGridReserve(ctx, 1, 200),
		"storm site -1":    c.SetStormMode(ctx, -1, true),
	} {
		var ve *fleet.ValidationError
		if !errors.Is(err, ErrInvalidArgument) || !errors.As(err, &ve) {
			t.Errorf("%s: %v, want ErrInvalidArgument over fleet's validation error", name, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("%d invalid energy commands reached the server", n)
	}
}

func TestEnergyCommands(t *testing.T) {
	ctx := context.Background()
	f := &fakeEnergy{fakeFleet: newFake(t)}
	c := newCommander(t, fastConfig(f, nil))
	no := false
	for name, err := range map[string]error{
		"reserve":  c.SetBackupReserve(ctx, 1, 20),
		"mode":     c.SetOperationMode(ctx, 1, fleet.ModeSelfConsumption),
		"storm":    c.SetStormMode(ctx, 1, true),
		"grid":     c.SetGridImportExport(ctx, 1, fleet.GridImportExport{DisallowChargeFromGridWithSolarInstalled: &no, CustomerPreferredExportRule: fleet.ExportPVOnly}),
		"off-grid": c.SetOffGridReserve(ctx, 1, 30),
	} {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if len(f.calls) != 5 {
		t.Fatalf("calls = %v", f.calls)
	}
	f.err = apiError(403, fleet.ErrMissingScope)
	if err := c.SetStormMode(ctx, 1, false); !errors.Is(err, ErrMissingScope) {
		t.Fatalf("err = %v, want ErrMissingScope", err)
	}
}

func TestEnergyNeedsAnEnergyClient(t *testing.T) {
	c := newCommander(t, fastConfig(newFake(t), nil))
	if err := c.SetStormMode(context.Background(), 1, true); !errors.Is(err, ErrNotSupported) {
		t.Fatalf("err = %v", err)
	}
}
