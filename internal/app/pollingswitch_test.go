package app

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The cost page's polling switch turns an account's polling off at once
// (the simulator bills no more data requests), says so in the cost
// report, and stays off after serve restarts; turned on again, polling
// resumes.
func TestPollingSwitchOnTheCostPage(t *testing.T) {
	srv, cfgPath, dataDir := simServeEnv(t)
	if err := RunLogin(t.Context(), LoginOptions{ConfigPath: cfgPath, DataDir: dataDir, Browser: simBrowser(srv), Wait: 20 * time.Second}, &lockedBuffer{}); err != nil {
		t.Fatal(err)
	}
	const vin = "5YJ3E1EB8RF000001"
	data := func() int { return srv.Billing().ByVehicle[vin]["data"] }
	polls := func(base string, within time.Duration) bool {
		before := data()
		for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if data() > before {
				return true
			}
		}
		return false
	}
	drivers := func(base string) []bool {
		req, _ := http.NewRequest(http.MethodGet, base+"/api/teslafleet/cost", nil)
		req.Header.Set("Authorization", "Bearer test-api-token-0123")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var rep struct{ Drivers []struct{ Polling bool } }
		if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
			t.Fatal(err)
		}
		var out []bool
		for _, d := range rep.Drivers {
			out = append(out, d.Polling)
		}
		return out
	}
	flip := func(b *browser) {
		page := b.get("/cost")
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"><input type="hidden" name="account" value="([^"]+)"><input type="hidden" name="on" value="(on|off)">`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no polling switch on the cost page:\n%s", page)
		}
		b.post("/cost/polling", url.Values{"csrf": {m[1]}, "account": {m[2]}, "on": {m[3]}})
	}

	base, stop := runServe(t, cfgPath, dataDir, "TESLAFLEET_POLLING_INTERVAL=1s")
	if !polls(base, 10*time.Second) {
		t.Fatal("serve does not poll to begin with")
	}
	b := newBrowser(t, base, "test-api-token-0123")
	flip(b)
	if got := drivers(base); len(got) == 0 || got[0] {
		t.Fatalf("after switching polling off the cost report says %v", got)
	}
	time.Sleep(1500 * time.Millisecond) // a poll under way may finish
	if polls(base, 3*time.Second) {
		t.Fatal("the account still polls after its switch was turned off")
	}
	if out, err := stop(); err != nil {
		t.Fatalf("serve: %v\n%s", err, out)
	}

	base, stop = runServe(t, cfgPath, dataDir, "TESLAFLEET_POLLING_INTERVAL=1s")
	defer stop()
	if got := drivers(base); len(got) == 0 || got[0] {
		t.Fatalf("after a restart the cost report says polling %v, want off", got)
	}
	b = newBrowser(t, base, "test-api-token-0123")
	if page := b.get("/cost"); !strings.Contains(page, `aria-checked="false"`) {
		t.Error("the switch does not show polling off")
	}
	flip(b)
	if !polls(base, 10*time.Second) {
		t.Fatal("polling did not resume when switched on")
	}
}
