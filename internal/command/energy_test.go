package command

import (
	"context"
	"errors"
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

func TestEnergyCommands(t *testing.T) {
	ctx := context.Background()
	f := &fakeEnergy{fakeFleet: newFake(t)}
	c := newCommander(t, fastConfig(f, nil))
	no := false
	for name, err := range map[string]error{
		"reserve -1":       c.SetBackupReserve(ctx, 1, -1),
		"reserve 101":      c.SetBackupReserve(ctx, 1, 101),
		"site 0":           c.SetBackupReserve(ctx, 0, 20),
		"mode":             c.SetOperationMode(ctx, 1, "eco"),
		"export rule":      c.SetGridImportExport(ctx, 1, GridImportExport{CustomerPreferredExportRule: "always"}),
		"nothing to set":   c.SetGridImportExport(ctx, 1, GridImportExport{}),
		"off-grid reserve": c.SetOffGridReserve(ctx, 1, 200),
	} {
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("%s: %v, want ErrInvalidArgument", name, err)
		}
	}
	if len(f.calls) != 0 {
		t.Fatalf("invalid energy commands were sent: %v", f.calls)
	}
	for name, err := range map[string]error{
		"reserve":  c.SetBackupReserve(ctx, 1, 20),
		"mode":     c.SetOperationMode(ctx, 1, ModeSelfConsumption),
		"storm":    c.SetStormMode(ctx, 1, true),
		"grid":     c.SetGridImportExport(ctx, 1, GridImportExport{DisallowChargeFromGridWithSolarInstalled: &no, CustomerPreferredExportRule: ExportPVOnly}),
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
