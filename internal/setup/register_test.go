package setup

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

func TestRegister(t *testing.T) {
	ctx := context.Background()
	other, err := NewKeyPair()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		domain  string
		prepare func(e *env)
		key     string // the Problem's Key; "" = success
		fixHas  []string
		noCalls bool
	}{
		{name: "success", domain: testDomain},
		{name: "upper case and spaces", domain: "  Home.Example.COM "},
		{name: "scheme", domain: "https://home.example.com", key: KeyInvalidDomain, fixHas: []string{`"home.example.com"`}, noCalls: true},
		{name: "path", domain: "home.example.com/keys", key: KeyInvalidDomain, noCalls: true},
		{name: "port", domain: "home.example.com:8443", key: KeyInvalidDomain, noCalls: true},
		{name: "empty", domain: "", key: KeyInvalidDomain, noCalls: true},
		{name: "origin not allowed", domain: "other.example.org", key: KeyPreconditionFailed,
			fixHas: []string{"https://other.example.org", "Allowed Origin", "developer.tesla.com"}},
		{name: "key not hosted", domain: testDomain, prepare: func(e *env) { e.host.set(nil) }, key: KeyPublicKeyNotFound,
			fixHas: []string{PublicKeyURL(testDomain), PublicKeyFile, "no redirect"}},
		{name: "key mismatch", domain: testDomain, prepare: func(e *env) { e.host.serve(other.PublicPEM) }, key: KeyPublicKeyMismatch,
			fixHas: []string{PublicKeyURL(testDomain), PublicKeyFile}},
		{name: "wrong client secret", domain: testDomain, prepare: func(e *env) { e.fc.ClientSecret = "wrong" }, key: KeyOAuthError,
			fixHas: []string{"client ID and secret"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if tc.prepare != nil {
				tc.prepare(e)
			}
			regs, err := Register(ctx, e.fc, tc.domain, e.key, nil)
			if tc.noCalls && e.api.n.Load() != 0 {
				t.Errorf("%d requests for an invalid domain", e.api.n.Load())
			}
			if tc.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(regs) != 2 || regs[0].Region != fleet.RegionNA || regs[1].Region != fleet.RegionEU {
					t.Fatalf("registrations %+v", regs)
				}
				for _, r := range regs {
					if r.Err != nil || r.PublicKeyHex != e.key.PublicKeyHex() {
						t.Errorf("%s: %v %s", r.Region, r.Err, r.PublicKeyHex)
					}
				}
				return
			}
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("got %v, want a *Problem %s", err, tc.key)
			}
			if p.Key != tc.key || p.Message != messages[tc.key] || p.Fix == "" {
				t.Errorf("problem %q %q, fix %q", p.Key, p.Message, p.Fix)
			}
			for _, s := range tc.fixHas {
				if !strings.Contains(p.Fix, s) {
					t.Errorf("fix %q lacks %q", p.Fix, s)
				}
			}
			for _, s := range []string{testSecret, e.fc.ClientSecret, string(e.key.PrivatePEM)} {
				if s != "" && strings.Contains(err.Error(), s) {
					t.Error("the error holds a secret")
				}
			}
			if !tc.noCalls {
				for _, r := range regs {
					if r.Err == nil {
						t.Errorf("region %s succeeded", r.Region)
					}
				}
			}
		})
	}
}

var messages = map[string]string{
	KeyInvalidDomain:      "Invalid domain format. Please enter a valid domain name.",
	KeyPreconditionFailed: "The domain does not match the application's allowed origins.",
	KeyInvalidResponse:    "The registration was rejected by Tesla",
	KeyPublicKeyNotFound:  "Public key not found.",
	KeyPublicKeyMismatch:  "The public key hosted at your domain does not match the expected key. Please ensure the correct public key is hosted at the specified location.",
	KeyOAuthError:         MsgOAuthError,
}

// Registering again changes nothing and succeeds; a changed key is taken
// by the next run.
func TestRegisterIdempotent(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := range 2 {
		regs, err := Register(ctx, e.fc, testDomain, e.key, []fleet.Region{fleet.RegionEU})
		if err != nil || len(regs) != 1 || regs[0].PublicKeyHex != e.key.PublicKeyHex() {
			t.Fatalf("run %d: %+v %v", i, regs, err)
		}
	}
	k2, _ := GenerateKey(e.dir, true)
	e.host.serve(k2.PublicPEM)
	if _, err := Register(ctx, e.fc, testDomain, k2, []fleet.Region{fleet.RegionEU}); err != nil {
		t.Fatal(err)
	}
}

func TestRegisterServerFailure(t *testing.T) {
	e := newEnv(t)
	if err := e.cloud.AddFault(simFault("/api/1/partner_accounts", http.StatusInternalServerError, 2)); err != nil {
		t.Fatal(err)
	}
	_, err := Register(context.Background(), e.fc, testDomain, e.key, nil)
	var p *Problem
	if !errors.As(err, &p) || p.Key != KeyInvalidResponse || p.Message != messages[KeyInvalidResponse] {
		t.Fatalf("got %v", err)
	}
}

func TestPairing(t *testing.T) {
	e := newEnv(t)
	e.register(t)
	ctx := context.Background()
	c := e.client(oauthToken(e.mint(t)))
	vins := []string{world.DemoModel3, world.DemoModelS}

	st, err := PairingStatus(ctx, c, vins)
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 2 || st[world.DemoModel3] || st[world.DemoModelS] {
		t.Fatalf("before pairing: %v", st)
	}

	t.Run("ctx ends", func(t *testing.T) {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
		defer cancel()
		if err := WaitPaired(cctx, c, vins, 5*time.Millisecond, nil); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("all paired", func(t *testing.T) {
		var seen []map[string]bool
		err := WaitPaired(ctx, c, vins, time.Millisecond, func(m map[string]bool) {
			seen = append(seen, m)
			switch len(seen) {
			case 1:
				e.pair(t, world.DemoModel3)
			case 2:
				e.pair(t, world.DemoModelS)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(seen) != 3 || !seen[1][world.DemoModel3] || seen[1][world.DemoModelS] {
			t.Errorf("progress %v", seen)
		}
	})
	t.Run("permanent error", func(t *testing.T) {
		bad := e.client(oauthToken(e.mint(t, "openid", "energy_device_data")))
		if err := WaitPaired(ctx, bad, vins, time.Millisecond, nil); !errors.Is(err, fleet.ErrMissingScope) {
			t.Errorf("got %v", err)
		}
	})
}
