package app

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/sim"
)

// teslafleet setup, as a person at a terminal would run it against the
// simulator: it asks for the domain and region, waits while the person
// starts serve behind the domain, registers, signs in, waits for the
// pairing tap, and ends with doctor's green verdict. Run again, it resumes:
// it asks only for the region and changes nothing that is done.
func TestGuidedSetup(t *testing.T) {
	const domain = "teslafleet.local"
	var target atomic.Pointer[url.URL]
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u := target.Load(); u != nil {
			httputilProxy(u).ServeHTTP(w, r)
			return
		}
		http.Error(w, "nothing here yet", http.StatusNotFound)
	}))
	defer front.Close()
	srv, err := sim.Start("127.0.0.1:0", sim.Options{Seed: 1, Speed: 1, WakeDelay: time.Second, Resolver: map[string]string{domain: front.URL}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	dir := t.TempDir()
	cfgPath, dataDir := filepath.Join(dir, "teslafleet.yaml"), filepath.Join(dir, "data")
	if err := writeSimConfig(cfgPath, srv); err != nil {
		t.Fatal(err)
	}
	setConfig(t, cfgPath, "listen: 127.0.0.1:8080", "listen: 127.0.0.1:0")

	run := func(answer func(out *lockedBuffer, in io.Writer)) string {
		pr, pw := io.Pipe()
		out := &lockedBuffer{}
		done := make(chan error, 1)
		go func() {
			done <- RunSetup(context.Background(), SetupOptions{
				StoreOptions: StoreOptions{ConfigPath: cfgPath, DataDir: dataDir},
				In:           pr, Browser: simBrowser(srv), KeyBaseURL: front.URL, PairEvery: 20 * time.Millisecond,
			}, out)
		}()
		answer(out, pw)
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("setup: %v\n%s", err, out.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("setup did not end:\n%s", out.String())
		}
		pw.Close()
		return out.String()
	}
	var stopServe func() (string, error)
	first := run(func(out *lockedBuffer, in io.Writer) {
		waitMatch(t, out, regexp.MustCompile(`Your domain`))
		io.WriteString(in, domain+"\n")
		waitMatch(t, out, regexp.MustCompile(`region \(na, eu or cn\) \[na\]: `))
		io.WriteString(in, "\n")
		// The key is not hosted yet: the person starts serve behind the domain.
		waitMatch(t, out, regexp.MustCompile(`Press Enter to check again`))
		var base string
		base, stopServe = runServe(t, cfgPath, dataDir)
		u, _ := url.Parse(base)
		target.Store(u)
		io.WriteString(in, "\n")
		// …and taps the pairing link in the Tesla app.
		waitMatch(t, out, regexp.MustCompile(`not paired yet`))
		resp, err := http.Get(srv.URLs["NA"] + "/_ak/" + domain)
		if err != nil {
			t.Error(err)
			return
		}
		resp.Body.Close()
	})
	for _, want := range []string{"Saved the configuration", "Made a P-256 key", "Tesla can fetch it", "NA: teslafleet.local registered",
		"Signed in: account", "Every vehicle is paired", "Everything checked is in order."} {
		if !strings.Contains(first, want) {
			t.Errorf("the first run did not say %q:\n%s", want, first)
		}
	}
	second := run(func(out *lockedBuffer, in io.Writer) {
		waitMatch(t, out, regexp.MustCompile(`region \(na, eu or cn\) \[na\]: `))
		io.WriteString(in, "\n")
	})
	for _, want := range []string{"Using the key", "Signed in already", "Everything checked is in order."} {
		if !strings.Contains(second, want) {
			t.Errorf("the second run did not say %q:\n%s", want, second)
		}
	}
	for _, unwanted := range []string{"Client ID", "Your domain", "Saved the configuration"} {
		if strings.Contains(second, unwanted) {
			t.Errorf("the second run asked again (%q):\n%s", unwanted, second)
		}
	}
	if stopServe != nil {
		stopServe()
	}
}
