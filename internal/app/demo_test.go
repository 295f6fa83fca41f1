package app

import (
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/store"
)

// runDemo starts the demo on a data directory and returns its API's base
// URL and a stop function.
func runDemo(t *testing.T, dataDir string) (string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- RunDemo(ctx, DemoOptions{DataDir: dataDir, Listen: "127.0.0.1:0", APIToken: "test-api-token-0123", Speed: 60, Interval: 100 * time.Millisecond}, out)
	}()
	base := "http://" + waitMatch(t, out, regexp.MustCompile(`REST API at http://(\S+)/api/`))
	return base, func() {
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("demo: %v\n%s", err, out.String())
		}
	}
}

// A second demo run on the same --data keeps the entity settings and the
// history of the first (its simulator starts afresh and it signs in again).
func TestDemoKeepsItsData(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	base, stop := runDemo(t, dataDir)
	if _, status := apiState(t, base, "sensor.midnight_battery_level"); status != http.StatusOK {
		t.Fatalf("first run: %d", status)
	}
	stop()

	st, err := store.Open(context.Background(), store.Options{Dir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	hist, err := st.History(context.Background(), []string{"sensor.midnight_battery_level"}, time.Now().Add(-time.Hour), time.Now())
	if err != nil || len(hist["sensor.midnight_battery_level"]) == 0 {
		t.Fatalf("no history of the first run: %v %v", hist, err)
	}
	firstRows := len(hist["sensor.midnight_battery_level"])
	off := false
	if err := st.SaveOverride(context.Background(), store.Override{UniqueID: "5YJ3E1EB8RF000001-vehicle_state_odometer", Enabled: new(true)}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveOverride(context.Background(), store.Override{UniqueID: "5YJ3E1EB8RF000001-charge_state_battery_range", Enabled: &off}); err != nil {
		t.Fatal(err)
	}
	st.Close()

	base, stop = runDemo(t, dataDir)
	if _, status := apiState(t, base, "sensor.midnight_odometer"); status != http.StatusOK {
		t.Errorf("an entity enabled between runs answers %d", status)
	}
	if _, status := apiState(t, base, "sensor.midnight_battery_range"); status != http.StatusNotFound {
		t.Errorf("an entity disabled between runs answers %d", status)
	}
	stop()
	st, err = store.Open(context.Background(), store.Options{Dir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hist, err = st.History(context.Background(), []string{"sensor.midnight_battery_level"}, time.Now().Add(-time.Hour), time.Now())
	if err != nil || len(hist["sensor.midnight_battery_level"]) <= firstRows {
		t.Errorf("history after the second run: %d rows, first run %d (%v)", len(hist["sensor.midnight_battery_level"]), firstRows, err)
	}
}
