package command_test

// End-to-end tests: the Commander over the real fleet client against the
// simulated Tesla cloud (internal/sim), whose cars verify signed commands as
// a car does. The sim clock is manual (Speed 0): a waking car comes online
// when the test advances the clock, which it does from the Progress hook.

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

const (
	appDomain = "app.example.com"
	wakeDelay = 10 * time.Second
)

var allScopes = []string{"openid", "offline_access", "vehicle_device_data", "vehicle_location",
	"vehicle_cmds", "vehicle_charging_cmds", "energy_device_data", "energy_cmds"}

type e2e struct {
	t      testing.TB
	s      *sim.Server
	fleet  *fleet.Client
	token  string
	m3     string // command_signing "required"
	ms     string // command_signing "off"
	keyPEM []byte // our private key
	pubPEM []byte // our public key, hosted for /_ak pairing
}

func startE2E(t testing.TB) *e2e {
	t.Helper()
	e := &e2e{t: t}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalECPrivateKey(ec)
	e.keyPEM = pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})
	pub, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	e.pubPEM = pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})

	// The app's own host serving its public key, as the product does.
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/appspecific/com.tesla.3p.public-key.pem" {
			http.NotFound(w, r)
			return
		}
		w.Write(e.pubPEM)
	}))
	t.Cleanup(host.Close)

	s, err := sim.Start("127.0.0.1:0", sim.Options{Seed: 3, WakeDelay: wakeDelay, Resolver: map[string]string{appDomain: host.URL}})
	if err != nil {
		t.Fatalf("sim: %v", err)
	}
	t.Cleanup(s.Close)
	e.s = s
	tok, err := s.MintToken("owner@example.com", allScopes)
	if err != nil {
		t.Fatal(err)
	}
	e.token = tok.AccessToken
	e.fleet = fleet.New(fleet.Config{BaseURLs: map[fleet.Region]string{fleet.RegionNA: s.URLs["NA"]}}, fleet.StaticToken(tok.AccessToken))
	p, err := e.fleet.Products(context.Background())
	if err != nil {
		t.Fatalf("products: %v", err)
	}
	for _, v := range p.Vehicles() {
		switch {
		case v.SigningRequired():
			e.m3 = *v.VIN
		case v.CommandSigning != nil && *v.CommandSigning == "off":
			e.ms = *v.VIN
		}
	}
	if e.m3 == "" || e.ms == "" {
		t.Fatal("demo vehicles not found")
	}
	return e
}

// commander builds a Commander; advance makes a waking car come online by
// moving the sim clock at each poll.
func (e *e2e) commander(store command.SessionStore, advance bool) *command.Commander {
	e.t.Helper()
	key, err := command.ParsePrivateKey(e.keyPEM)
	if err != nil {
		e.t.Fatal(err)
	}
	cfg := command.Config{
		Fleet:       e.fleet,
		Key:         key,
		Sessions:    store,
		Domain:      appDomain,
		WakeBackoff: []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond},
	}
	if advance {
		cfg.Progress = func(p command.Progress) {
			if p.Stage == command.StagePolling {
				e.s.World().Advance(wakeDelay)
			}
		}
	}
	c, err := command.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// control calls a /_sim/ control and decodes its answer into out (if not nil).
func (e *e2e) control(method, path string, body, out any) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req, _ := http.NewRequest(method, e.s.URLs["NA"]+path, rd)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		e.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func (e *e2e) pair(vin string) {
	e.control("POST", "/_sim/vehicles/"+vin+"/keys", map[string]string{"public_key": string(e.pubPEM)}, nil)
}

func (e *e2e) setVehicle(vin string, p world.VehiclePatch) {
	e.t.Helper()
	if err := e.s.World().SetVehicle(vin, p); err != nil {
		e.t.Fatal(err)
	}
}

func (e *e2e) handshakes(vin string) int {
	var st struct {
		Handshakes int `json:"handshakes"`
	}
	e.control("GET", "/_sim/vehicles/"+vin+"/protocol", nil, &st)
	return st.Handshakes
}

func (e *e2e) billing(vin string) map[string]int {
	var b struct {
		ByVehicle map[string]map[string]int `json:"by_vehicle"`
	}
	e.control("GET", "/_sim/billing", nil, &b)
	return b.ByVehicle[vin]
}

// data reads vehicle_data through the API and returns section.key.
func (e *e2e) data(vin string) map[string]map[string]any {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.s.URLs["NA"]+"/api/1/vehicles/"+vin+"/vehicle_data", nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Response map[string]any `json:"response"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != 200 {
		e.t.Fatalf("vehicle_data: %d %v", resp.StatusCode, err)
	}
	out := map[string]map[string]any{}
	for k, v := range body.Response {
		if m, ok := v.(map[string]any); ok {
			out[k] = m
		}
	}
	return out
}
