package app

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// serve starts with no account; one signed in through the web UI's setup
// wizard is served at once: its cars' entities appear in the REST API and
// are polled, without a restart.
func TestServeAddsAnAccountSignedInFromTheUI(t *testing.T) {
	srv, cfgPath, dataDir := simServeEnv(t)
	base, stop := runServe(t, cfgPath, dataDir, "TESLAFLEET_POLLING_INTERVAL=1s")
	defer func() {
		if out, err := stop(); err != nil {
			t.Errorf("serve: %v\n%s", err, out)
		}
	}()
	if _, status := apiState(t, base, "sensor.midnight_battery_level"); status != http.StatusNotFound {
		t.Fatalf("before signing in: %d, want 404", status)
	}

	b := newBrowser(t, base, "test-api-token-0123")
	page := signInThroughUI(t, b)
	li := stepOf(t, page, "login")
	if !strings.Contains(li, "Signed in just now") || !strings.Contains(li, "added to the dashboard") {
		t.Fatalf("the login step does not say the account is served:\n%s", li)
	}
	var level string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var status int
		if level, status = apiState(t, base, "sensor.midnight_battery_level"); status == http.StatusOK && level != "unknown" && level != "" {
			break
		}
	}
	if level == "" || level == "unknown" || level == "unavailable" {
		t.Fatalf("the new account's car has no battery level: %q", level)
	}
	if dash := b.get("/"); !strings.Contains(dash, "Midnight") {
		t.Error("the dashboard does not show the new account's car")
	}
	// Its coordinators poll: the simulator bills more data requests for the
	// car than the first refresh made.
	vin := "5YJ3E1EB8RF000001"
	first := srv.Billing().ByVehicle[vin]["data"]
	for deadline := time.Now().Add(10 * time.Second); srv.Billing().ByVehicle[vin]["data"] <= first; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the new account is not polled: %d data requests, as after the first refresh", first)
		}
	}
	// The doctor checks it too.
	req, _ := http.NewRequest(http.MethodGet, base+"/api/teslafleet/doctor", nil)
	req.Header.Set("Authorization", "Bearer test-api-token-0123")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(doc), `"name":"vehicle `+vin+` (`) {
		t.Errorf("the doctor does not check the new account's car:\n%s", doc)
	}
	// Signing in again does not add it twice.
	page = signInThroughUI(t, b)
	if li := stepOf(t, page, "login"); !strings.Contains(li, "Signed in again") {
		t.Errorf("second sign-in:\n%s", li)
	}
}
