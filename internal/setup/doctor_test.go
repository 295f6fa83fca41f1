package setup

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim/oauth"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// doctorCase is a healthy setup (registered in NA and EU, the Model 3
// paired, a token with every scope) that a test then breaks.
type doctorCase struct {
	e       *env
	in      DoctorInput
	account *DoctorAccount
	tokens  oauth.Tokens
}

func healthy(t *testing.T) *doctorCase {
	t.Helper()
	e := newEnv(t)
	e.register(t, fleet.RegionNA, fleet.RegionEU)
	e.pair(t, world.DemoModel3)
	tk := e.mint(t)
	acct := DoctorAccount{
		ID: "owner", Region: fleet.RegionNA, Scopes: oauth.AllScopes(),
		Client: e.client(oauthToken(tk)),
		PartnerClient: func(ctx context.Context, r fleet.Region) (*fleet.Client, error) {
			tok, err := fleet.NewOAuth(e.fc).PartnerToken(ctx, r)
			if err != nil {
				return nil, err
			}
			cfg := e.fc
			cfg.Region = r
			return fleet.New(cfg, fleet.StaticToken(tok.AccessToken)), nil
		},
	}
	dc := &doctorCase{e: e, tokens: tk, in: DoctorInput{
		DataDir: e.dir, Domain: testDomain, KeyClient: e.keyClient(),
		Fleet: e.fc, Now: time.Now,
	}}
	dc.in.Accounts = []DoctorAccount{acct}
	dc.account = &dc.in.Accounts[0]
	return dc
}

// secrets are what no Check may ever show.
func (dc *doctorCase) secrets() []string {
	s := []string{testSecret, dc.tokens.AccessToken, dc.tokens.RefreshToken}
	for rest := dc.e.key.PrivatePEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		enc := base64.StdEncoding.EncodeToString(b.Bytes)
		s = append(s, enc[:40], enc[len(enc)-40:])
	}
	return s
}

func (dc *doctorCase) run(t *testing.T) []Check {
	t.Helper()
	checks := Doctor(context.Background(), dc.in)
	for _, c := range checks {
		if c.Name == "" || (c.Status != StatusPass && c.Status != StatusWarn && c.Status != StatusFail) {
			t.Errorf("malformed check %+v", c)
		}
		if c.Status != StatusPass && c.Fix == "" && c.Name != CheckClock {
			t.Errorf("%s: %s without a fix", c.Name, c.Status)
		}
		for _, s := range dc.secrets() {
			for _, f := range []string{c.Name, c.Detail, c.Fix} {
				if s != "" && strings.Contains(f, s) {
					t.Errorf("check %q shows a secret", c.Name)
				}
			}
		}
	}
	if _, err := json.Marshal(checks); err != nil {
		t.Errorf("json: %v", err)
	}
	return checks
}

func find(checks []Check, name string) (Check, bool) {
	for _, c := range checks {
		if c.Name == name {
			return c, true
		}
	}
	return Check{}, false
}

func dump(t *testing.T, checks []Check) {
	t.Helper()
	for _, c := range checks {
		t.Logf("%-4s %-40s %s | %s", c.Status, c.Name, c.Detail, c.Fix)
	}
}

func TestDoctorAllGreen(t *testing.T) {
	dc := healthy(t)
	checks := dc.run(t)
	want := []string{CheckKeyFile, CheckKey, CheckKeyPerms, CheckKeyHosted,
		"token (owner)", "region (owner)", "scopes (owner)", "partner registration (owner)",
		"vehicle " + world.DemoModel3 + " (owner)", "vehicle " + world.DemoModelS + " (owner)", "billing (owner)", CheckClock}
	if len(checks) != len(want) {
		dump(t, checks)
		t.Fatalf("%d checks, want %d", len(checks), len(want))
	}
	for i, c := range checks {
		if c.Name != want[i] || c.Status != StatusPass || c.Fix != "" {
			t.Errorf("check %d: %+v, want %s passing", i, c, want[i])
		}
	}
	if Failed(checks) {
		t.Error("Failed")
	}
	b, _ := json.Marshal(checks[0])
	if !strings.HasPrefix(string(b), `{"name":"key file","status":"pass","detail":`) {
		t.Errorf("json %s", b)
	}
}

func TestDoctorFailures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		breakf func(t *testing.T, dc *doctorCase)
		check  string
		status Status
		fixHas []string
	}{
		{"no key", func(t *testing.T, dc *doctorCase) { dc.in.DataDir = t.TempDir() },
			CheckKeyFile, StatusFail, []string{"teslafleet keygen"}},
		{"not a key", func(t *testing.T, dc *doctorCase) {
			if err := os.WriteFile(filepath.Join(dc.e.dir, PrivateKeyFile), []byte("garbage"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, CheckKey, StatusFail, []string{"teslafleet keygen --force"}},
		{"key readable by others", func(t *testing.T, dc *doctorCase) {
			_ = os.Chmod(filepath.Join(dc.e.dir, PrivateKeyFile), 0o644)
		}, CheckKeyPerms, StatusFail, []string{"chmod 600 ", PrivateKeyFile}},
		{"key readable by the group", func(t *testing.T, dc *doctorCase) {
			_ = os.Chmod(filepath.Join(dc.e.dir, PrivateKeyFile), 0o640)
		}, CheckKeyPerms, StatusWarn, []string{"chmod 600"}},
		{"wrong key hosted", func(t *testing.T, dc *doctorCase) {
			k, _ := NewKeyPair()
			dc.e.host.serve(k.PublicPEM)
		}, CheckKeyHosted, StatusFail, []string{PublicKeyURL(testDomain), PublicKeyFile, "teslafleet register"}},
		{"key not hosted", func(t *testing.T, dc *doctorCase) { dc.e.host.set(nil) },
			CheckKeyHosted, StatusFail, []string{PublicKeyURL(testDomain), "no redirect"}},
		{"redirect on the key URL", func(t *testing.T, dc *doctorCase) {
			dc.e.host.set(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, "https://www."+testDomain+PublicKeyPath, http.StatusMovedPermanently)
			})
		}, CheckKeyHosted, StatusFail, []string{"remove the redirect", PublicKeyURL(testDomain)}},
		{"no domain", func(t *testing.T, dc *doctorCase) { dc.in.Domain = "" },
			CheckKeyHosted, StatusFail, []string{"domain"}},
		{"not registered in the account's region", func(t *testing.T, dc *doctorCase) {
			dc.e.cloud.World().SetAccountRegion(world.DemoEmail, "EU")
			dc.account.Region = fleet.RegionEU
			dc.account.Client = dc.e.client(oauthToken(dc.e.mint(t)))
			dc.e.register(t, fleet.RegionNA) // fresh cloud below: only NA
		}, "partner registration (owner)", StatusFail, []string{"teslafleet register"}},
		{"missing recommended scopes", func(t *testing.T, dc *doctorCase) {
			dc.account.Scopes = []string{"openid", "offline_access", "vehicle_device_data", "energy_device_data"}
		}, "scopes (owner)", StatusWarn, []string{"teslafleet login"}},
		{"no data scope", func(t *testing.T, dc *doctorCase) {
			dc.account.Scopes = []string{"openid", "offline_access", "vehicle_cmds"}
		}, "scopes (owner)", StatusFail, []string{"Vehicle Information", "teslafleet login"}},
		{"key not paired", func(t *testing.T, dc *doctorCase) {
			car, _ := dc.e.cloud.Car(world.DemoModel3)
			for _, k := range car.Keys() {
				car.RemoveKey(k)
			}
		}, "vehicle " + world.DemoModel3 + " (owner)", StatusFail, []string{PairingURL(testDomain, world.DemoModel3), "Tesla app"}},
		{"token revoked", func(t *testing.T, dc *doctorCase) {
			dc.account.Client = dc.e.client(&oauth2.Token{AccessToken: dc.tokens.AccessToken, RefreshToken: "NA_revoked",
				Expiry: time.Now().Add(-time.Hour)})
		}, "token (owner)", StatusFail, []string{"teslafleet login"}},
		{"wrong region", func(t *testing.T, dc *doctorCase) {
			if err := dc.e.cloud.World().SetAccountRegion(world.DemoEmail, "EU"); err != nil {
				t.Fatal(err)
			}
		}, "region (owner)", StatusFail, []string{"teslafleet login", "EU"}},
		{"402 seen earlier", func(t *testing.T, dc *doctorCase) {
			dc.account.LastPaymentRequired = time.Now().Add(-time.Hour)
		}, "billing (owner)", StatusFail, []string{"payment method", "developer.tesla.com"}},
		{"402 now", func(t *testing.T, dc *doctorCase) {
			if err := dc.e.cloud.AddFault(simFault("/api/1/*", http.StatusPaymentRequired, -1)); err != nil {
				t.Fatal(err)
			}
		}, "billing (owner)", StatusFail, []string{"payment method"}},
		{"clock skew", func(t *testing.T, dc *doctorCase) {
			dc.in.Now = func() time.Time { return time.Now().Add(3 * time.Minute) }
		}, CheckClock, StatusWarn, []string{"NTP"}},
		{"no partner credentials", func(t *testing.T, dc *doctorCase) {
			dc.account.PartnerClient = nil
			dc.in.Fleet.ClientID = ""
		}, "partner registration (owner)", StatusWarn, []string{"client_id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dc := healthy(t)
			if tc.name == "not registered in the account's region" {
				dc = notRegisteredInEU(t)
			}
			tc.breakf(t, dc)
			checks := dc.run(t)
			if os.Getenv("DOCTOR_DUMP") != "" {
				dump(t, checks)
			}
			c, ok := find(checks, tc.check)
			if !ok || c.Status != tc.status {
				dump(t, checks)
				t.Fatalf("check %q: %+v, want %s", tc.check, c, tc.status)
			}
			for _, s := range tc.fixHas {
				if !strings.Contains(c.Fix, s) {
					t.Errorf("fix %q lacks %q", c.Fix, s)
				}
			}
			if Failed(checks) != (tc.status == StatusFail) && tc.status == StatusFail {
				t.Error("Failed is false")
			}
			if tc.status == StatusWarn {
				for _, o := range checks {
					if o.Status == StatusFail {
						t.Errorf("unexpected failure %+v", o)
					}
				}
			}
		})
	}
}

// notRegisteredInEU is a healthy NA setup whose account lives in EU, where
// the app never registered.
func notRegisteredInEU(t *testing.T) *doctorCase {
	t.Helper()
	dc := healthy(t)
	e := newEnv(t)
	e.register(t, fleet.RegionNA)
	e.pair(t, world.DemoModel3)
	dc.e = e
	dc.in.DataDir, dc.in.KeyClient, dc.in.Fleet = e.dir, e.keyClient(), e.fc
	dc.account.PartnerClient = nil // made from in.Fleet
	dc.tokens = e.mint(t)
	dc.account.Client = e.client(oauthToken(dc.tokens))
	return dc
}
