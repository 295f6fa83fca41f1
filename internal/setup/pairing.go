package setup

import (
	"context"
	"errors"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// PairingStatus asks Tesla which of vins hold the app's virtual key
// (POST /api/1/vehicles/fleet_status, free): vin → paired. Every VIN asked
// for is in the map.
func PairingStatus(ctx context.Context, c *fleet.Client, vins []string) (map[string]bool, error) {
	if len(vins) == 0 {
		return map[string]bool{}, nil
	}
	st, err := c.FleetStatus(ctx, vins)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(vins))
	for _, v := range vins {
		out[v] = st.KeyPaired(v)
	}
	return out, nil
}

// WaitPaired polls PairingStatus every interval (default 5 s) until every
// VIN is paired (nil) or ctx ends (ctx's error). progress, when set, gets
// each answer. Temporary failures (network, 5xx, rate limits) are retried at
// the next tick; any other failure is returned.
func WaitPaired(ctx context.Context, c *fleet.Client, vins []string, every time.Duration, progress func(map[string]bool)) error {
	if every <= 0 {
		every = 5 * time.Second
	}
	for {
		st, err := PairingStatus(ctx, c, vins)
		switch {
		case err == nil:
			if progress != nil {
				progress(st)
			}
			if allTrue(st) {
				return nil
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case !fleet.Temporary(err) && !errors.Is(err, fleet.ErrNetwork):
			return err
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

func allTrue(m map[string]bool) bool {
	for _, ok := range m {
		if !ok {
			return false
		}
	}
	return true
}
