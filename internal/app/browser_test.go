package app

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/testfixture"
)

// browserSteps are the scenarios of testdata/browser/ui.mjs, in its order;
// each is reported as a subtest, and one the script never reached fails.
var browserSteps = []string{
	"signin", "dashboard_values", "sentry_toggle", "charge_limit", "sleeping_car",
	"refused_value", "entities_page", "cost_page", "history_page", "setup_wizard",
	"phone_width", "accessible_names", "console",
}

// browserStep is one line of the script's output.
type browserStep struct {
	Step     string   `json:"step"`
	MS       int      `json:"ms"`
	Failures []string `json:"failures"`
	Notes    []string `json:"notes"`
}

// A person's browser against the demo: Debian's chromium, driven by
// playwright-core from npm (pinned by testdata/browser/package-lock.json),
// signs in, reads the dashboard, toggles and sets the simulated cars —
// awake, asleep, refusing — and walks every page at a phone's width and
// with a screen reader's eyes. The expected values come from the REST API
// and the simulator's /_sim/ controls. Screenshots of every page go to
// test-artifacts/screenshots/ at the repository's root (git-ignored).
//
// Without node, npm or chromium it is skipped, unless
// BROWSER_TESTS=required (CI sets it where it installed them).
func TestBrowserUI(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a demo and drives chromium")
	}
	required := os.Getenv("BROWSER_TESTS") == "required"
	chromium := "/usr/bin/chromium"
	if _, err := os.Stat(chromium); err != nil {
		if required {
			t.Fatalf("%s is missing and BROWSER_TESTS=required: %v", chromium, err)
		}
		t.Skipf("%s is not installed (set BROWSER_TESTS=required to fail instead)", chromium)
	}
	dir := testfixture.NPMProject(t, filepath.Join("testdata", "browser"), required, "ui.mjs")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	base, simURL := startBrowserDemo(t, filepath.Join(dir, "data"))
	shots := screenshotDir(t)

	start := time.Now()
	tmp := filepath.Join(dir, "tmp") // chromium's fresh profile goes here
	if err := os.Mkdir(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	node := testfixture.StartNode(t, ctx, dir, []string{"TF_BASE=" + base, "TF_TOKEN=" + browserToken, "TF_SIM=" + simURL,
		"TF_SHOTS=" + shots, "TF_CHROMIUM=" + chromium, "TMPDIR=" + tmp, "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1"}, "ui.mjs")
	got := map[string]browserStep{}
	sc := node.Lines()
	for sc.Scan() {
		var s browserStep
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil || s.Step == "" {
			t.Errorf("the script printed %s", sc.Text())
			continue
		}
		got[s.Step] = s
	}
	werr := node.Wait()
	t.Logf("browser steps: %v (screenshots in %s)", time.Since(start).Round(time.Millisecond), shots)

	for _, name := range browserSteps {
		t.Run(name, func(t *testing.T) {
			s, ok := got[name]
			if !ok {
				t.Fatalf("the script never reported this step (exit: %v)", werr)
			}
			t.Logf("%d ms", s.MS)
			for _, n := range s.Notes {
				t.Log(n)
			}
			for _, f := range s.Failures {
				t.Error(f)
			}
		})
	}
	if werr != nil {
		t.Errorf("the script failed: %v", werr)
	}
}

const browserToken = "browser-test-token-4567"

// startBrowserDemo runs the demo until the test ends and returns its URL
// and the simulator's. Its clock runs ten times real time, so a woken car
// is online within two seconds; polling every second brings the
// simulator's changes to the page.
func startBrowserDemo(t *testing.T, dataDir string) (base, simURL string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &lockedBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- RunDemo(ctx, DemoOptions{DataDir: dataDir, Listen: "127.0.0.1:0", APIToken: browserToken,
			Speed: 10, Interval: time.Second}, out)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("demo: %v\n%s", err, out.String())
		}
	})
	simURL = waitMatchFor(t, out, regexp.MustCompile(`Simulated Tesla cloud at (\S+) `), time.Minute)
	base = "http://" + waitMatchFor(t, out, regexp.MustCompile(`Web UI at http://(\S+)/ `), time.Minute)
	return base, simURL
}

// screenshotDir is <repository root>/test-artifacts/screenshots, emptied.
func screenshotDir(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod at %s: %v", root, err)
	}
	dir := filepath.Join(root, "test-artifacts", "screenshots")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
