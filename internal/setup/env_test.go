package setup

import (
	"context"
	"encoding/hex"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/oauth"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

const (
	testDomain   = "home.example.com"
	testClientID = "0f6c3c4e-1111-4a2b-9c3d-teslafleet01"
	testSecret   = "ta-secret.setup-test-secret-0123456789"
)

// keyHost is the app's web server in memory: it serves whatever the test
// sets at the well-known path.
type keyHost struct {
	mu sync.Mutex
	h  http.HandlerFunc
}

func (k *keyHost) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	h := k.h
	k.mu.Unlock()
	if h == nil || r.URL.Path != PublicKeyPath {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

func (k *keyHost) set(h http.HandlerFunc) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.h = h
}

func (k *keyHost) serve(pemBytes []byte) {
	k.set(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/x-pem-file")
		_, _ = w.Write(pemBytes)
	})
}

// counting counts the requests of a transport and adds a Date header (the
// in-memory simulator sends none; a real server does).
type counting struct {
	rt   http.RoundTripper
	n    atomic.Int64
	date func() time.Time
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	resp, err := c.rt.RoundTrip(r)
	if err == nil && resp.Header.Get("Date") == "" {
		resp.Header.Set("Date", c.date().UTC().Format(http.TimeFormat))
	}
	return resp, err
}

// env is an in-memory simulated Tesla cloud with a developer app whose
// allowed origin is https://home.example.com, that domain's web server,
// and a key pair in a data directory.
type env struct {
	cloud *sim.Cloud
	fc    fleet.Config
	api   *counting
	host  *keyHost
	key   *KeyPair
	dir   string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	host := &keyHost{}
	cloud, err := sim.NewInMemory(sim.Options{
		Seed:         11,
		Resolver:     map[string]string{testDomain: "https://" + testDomain},
		KeyTransport: sim.InMemoryTransport(map[string]http.Handler{testDomain: host}),
	})
	if err != nil {
		t.Fatal(err)
	}
	cloud.OAuth().AddApp(oauth.App{
		ClientID: testClientID, ClientSecret: testSecret, Name: "setup test",
		AllowedOrigins: []string{"https://" + testDomain},
	})
	api := &counting{rt: cloud.Transport(), date: time.Now}
	fc := fleet.Config{
		ClientID: testClientID, ClientSecret: testSecret,
		TokenURL: sim.InMemoryAuthURL + "/oauth2/v3/token",
		BaseURLs: map[fleet.Region]string{
			fleet.RegionNA: sim.InMemoryBaseURLs["NA"],
			fleet.RegionEU: sim.InMemoryBaseURLs["EU"],
			fleet.RegionCN: sim.InMemoryBaseURLs["CN"],
		},
		HTTPClient: &http.Client{Transport: api},
		Retry:      fleet.Retry{Attempts: 1},
	}
	dir := t.TempDir()
	key, err := GenerateKey(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	host.serve(key.PublicPEM)
	return &env{cloud: cloud, fc: fc, api: api, host: host, key: key, dir: dir}
}

// keyClient reaches the domain's web server in memory.
func (e *env) keyClient() *http.Client {
	return &http.Client{Transport: sim.InMemoryTransport(map[string]http.Handler{testDomain: e.host})}
}

// register registers the app in regions and fails the test on error.
func (e *env) register(t *testing.T, regions ...fleet.Region) {
	t.Helper()
	if _, err := Register(context.Background(), e.fc, testDomain, e.key, regions); err != nil {
		t.Fatal(err)
	}
}

// mint issues a token pair for the demo account and the test app.
func (e *env) mint(t *testing.T, scopes ...string) oauth.Tokens {
	t.Helper()
	if len(scopes) == 0 {
		scopes = oauth.AllScopes()
	}
	tk, err := e.cloud.OAuth().Mint(world.DemoEmail, testClientID, scopes)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// client is the account's API client over a token manager.
func (e *env) client(tok *oauth2.Token) *fleet.Client {
	return fleet.New(e.fc, fleet.NewOAuth(e.fc).TokenManager(&fleet.MemoryTokenStore{Token: tok}))
}

func (e *env) pair(t *testing.T, vin string) {
	t.Helper()
	car, ok := e.cloud.Car(vin)
	if !ok {
		t.Fatalf("no car %s", vin)
	}
	point, err := hex.DecodeString(e.key.PublicKeyHex())
	if err != nil {
		t.Fatal(err)
	}
	if err := car.AddKey(point); err != nil {
		t.Fatal(err)
	}
}

func oauthToken(tk oauth.Tokens) *oauth2.Token {
	return &oauth2.Token{AccessToken: tk.AccessToken, RefreshToken: tk.RefreshToken, TokenType: "Bearer",
		Expiry: time.Now().Add(time.Duration(tk.ExpiresIn) * time.Second)}
}

func simFault(path string, status, count int) sim.Fault {
	return sim.Fault{Path: path, Status: status, Count: count, Body: `{"response":null,"error":"injected","error_description":""}`}
}
