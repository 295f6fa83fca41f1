package fleet_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/oauth"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// TestSimWrongRegion: the account moves to EU; a client configured for NA
// follows the 421 to the EU host and succeeds.
func TestSimWrongRegion(t *testing.T) {
	e := startSim(t, sim.Options{})
	var statuses []int
	cfg := e.cfg
	cfg.Ledger = sinkFunc(func(_ context.Context, en fleet.Entry) { statuses = append(statuses, en.Status) })
	c := fleet.New(cfg, fleet.StaticToken(e.token(t).AccessToken))
	e.control(t, "PATCH", "/_sim/accounts/"+world.DemoEmail, map[string]string{"region": "EU"}, nil)
	p, err := c.Products(t.Context())
	if err != nil || len(p.Items) != 3 {
		t.Fatalf("Products = %v, %v", p, err)
	}
	if c.BaseURL() != e.URLs["EU"] || c.Region() != fleet.RegionEU || fmt.Sprint(statuses) != "[421 200]" {
		t.Errorf("base %s region %s, answers %v", c.BaseURL(), c.Region(), statuses)
	}
	// Discovery from scratch finds EU too.
	fresh := e.client(t)
	ur, err := fresh.Discover(t.Context())
	if err != nil || fresh.Region() != fleet.RegionEU || *ur.FleetAPIBaseURL != e.URLs["EU"] {
		t.Errorf("Discover = %+v, %v; region %s", ur, err, fresh.Region())
	}
}

type sinkFunc func(ctx context.Context, e fleet.Entry)

func (f sinkFunc) Record(ctx context.Context, e fleet.Entry) { f(ctx, e) }

// TestSimRateLimit: 429 carries Retry-After, from a fault and from the
// sim's own wake limit (3 per minute).
func TestSimRateLimit(t *testing.T) {
	e := startSim(t, sim.Options{})
	c := e.client(t)
	vin := world.DemoModelS
	e.setState(t, vin, "online")
	e.control(t, "POST", "/_sim/faults", map[string]any{
		"method": "GET", "path": "/api/1/vehicles/" + vin + "/vehicle_data", "status": 429, "retry_after": 30, "body": "Retry in 30 seconds",
	}, nil)
	_, err := c.VehicleData(t.Context(), vin)
	var ae *fleet.APIError
	if !errors.Is(err, fleet.ErrRateLimited) || !errors.As(err, &ae) || ae.RetryAfter != 30*time.Second {
		t.Fatalf("fault: err = %v", err)
	}
	for i := range 4 {
		_, err = c.WakeUp(t.Context(), vin)
		if i < 3 && err != nil {
			t.Fatalf("wake %d: %v", i, err)
		}
	}
	if !errors.Is(err, fleet.ErrRateLimited) || fleet.RetryAfter(err) <= 0 || !errors.As(err, &ae) || ae.RateLimitLimit != 3 {
		t.Errorf("4th wake in a minute: %v (%+v)", err, ae)
	}
}

// TestSimErrorClasses: every status class is reachable with errors.Is/As.
func TestSimErrorClasses(t *testing.T) {
	e := startSim(t, sim.Options{})
	c := e.client(t)
	vin := world.DemoModelS
	e.setState(t, vin, "online")
	path := "/api/1/vehicles/" + vin + "/vehicle_data"
	for _, tc := range []struct {
		status int
		body   string
		class  error
	}{
		{400, `{"response":null,"error":"invalid_field","error_description":""}`, fleet.ErrInvalidRequest},
		{401, ``, fleet.ErrTokenExpired},
		{401, `{"response":null,"error":"login_required","error_description":""}`, fleet.ErrLoginRequired},
		{402, `{"response":null,"error":"payment required"}`, fleet.ErrPaymentRequired},
		{403, `{"response":null,"error":"Unauthorized missing scopes","error_description":""}`, fleet.ErrMissingScope},
		{404, `{"response":null,"error":"not_found","error_description":""}`, fleet.ErrNotFound},
		{408, `{"response":null,"error":"vehicle unavailable: vehicle is offline or asleep","error_description":""}`, fleet.ErrAsleep},
		{412, `{"response":null,"error":"Account x must be registered in the current region"}`, fleet.ErrNotRegistered},
		{421, `{"response":null,"error":"user out of region"}`, fleet.ErrWrongRegion},
		{422, `{"response":null,"error":"invalid_resource"}`, fleet.ErrInvalidRequest},
		{423, ``, fleet.ErrLocked},
		{424, `{"response":null,"error":"Public key download failed"}`, fleet.ErrDependency},
		{429, `Retry in 5 seconds`, fleet.ErrRateLimited},
		{500, `{"response":null,"error":"upstream internal error"}`, fleet.ErrServer},
		{503, ``, fleet.ErrServer},
		{540, `{"response":null,"error":"device unexpected response"}`, fleet.ErrDeviceUnexpected},
	} {
		e.control(t, "DELETE", "/_sim/faults", nil, nil)
		e.control(t, "POST", "/_sim/faults", map[string]any{"method": "GET", "path": path, "status": tc.status, "body": tc.body, "count": 5}, nil)
		_, err := c.VehicleData(t.Context(), vin)
		var ae *fleet.APIError
		if !errors.Is(err, tc.class) || !errors.As(err, &ae) || ae.Status != tc.status || ae.Endpoint != "vehicle_data" {
			t.Errorf("%d: err = %v, want class %v", tc.status, err, tc.class)
		}
	}
	e.control(t, "DELETE", "/_sim/faults", nil, nil)
	// 422 on signed_command, and a 5xx on a command: not retried, may have run.
	e.control(t, "POST", "/_sim/faults", map[string]any{"method": "POST", "path": "/api/1/vehicles/" + vin + "/command/*", "status": 500, "count": 5}, nil)
	if _, err := c.HonkHorn(t.Context(), vin); !errors.Is(err, fleet.ErrServer) || !fleet.MayHaveSucceeded(err) {
		t.Errorf("5xx command: %v", err)
	}
	e.control(t, "DELETE", "/_sim/faults", nil, nil)

	// The same classes from the sim's own behaviour.
	if _, err := c.Vehicle(t.Context(), "5YJ3E1EB0XX999999"); !errors.Is(err, fleet.ErrNotFound) {
		t.Errorf("unknown VIN: %v", err)
	}
	if _, err := e.client(t, "openid", "vehicle_device_data").SiteInfo(t.Context(), world.DemoSiteID); !errors.Is(err, fleet.ErrMissingScope) {
		t.Errorf("missing energy scope: %v", err)
	}
	bad := fleet.New(e.cfg, fleet.StaticToken("not-a-token"))
	if _, err := bad.Products(t.Context()); !errors.Is(err, fleet.ErrTokenExpired) {
		t.Errorf("garbage token: %v", err)
	}
	if _, err := c.Command(t.Context(), vin, "no_such_command", nil); !errors.Is(err, fleet.ErrInvalidRequest) {
		t.Errorf("unknown command: %v", err)
	}
}

// TestSimPartner: client credentials, partner registration (with the key
// hosted by a local server), the public key endpoint and 412 before it.
func TestSimPartner(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKIXPublicKey(&key.PublicKey)
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/.well-known/appspecific/com.tesla.3p.public-key.pem" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(pemBytes)
	}))
	t.Cleanup(host.Close)
	e := startSim(t, sim.Options{Resolver: map[string]string{"example.com": host.URL}})

	var app oauth.App
	e.control(t, "POST", "/_sim/apps", oauth.App{Name: "partner test", AllowedOrigins: []string{"https://example.com"}}, &app)
	var user oauth.Tokens
	e.control(t, "POST", "/_sim/tokens", map[string]any{"account": world.DemoEmail, "client_id": app.ClientID}, &user)
	cfg := e.cfg
	cfg.ClientID, cfg.ClientSecret = app.ClientID, app.ClientSecret
	userClient := fleet.New(cfg, fleet.StaticToken(user.AccessToken))
	if _, err := userClient.Products(t.Context()); !errors.Is(err, fleet.ErrNotRegistered) {
		t.Fatalf("before registration: %v", err)
	}

	a := fleet.NewOAuth(cfg)
	pt, err := a.PartnerToken(t.Context(), fleet.RegionNA)
	if err != nil {
		t.Fatal(err)
	}
	cl, err := fleet.ParseClaims(pt.AccessToken)
	if err != nil || cl.Subject != app.ClientID || pt.RefreshToken != "" {
		t.Errorf("partner token claims %+v, %v", cl, err)
	}
	partner := fleet.New(cfg, fleet.StaticToken(pt.AccessToken))
	acct, err := partner.RegisterPartner(t.Context(), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	ek, _ := key.PublicKey.ECDH()
	want := hex.EncodeToString(ek.Bytes())
	if *acct.PublicKey != want || *acct.Domain != "example.com" || *acct.ClientID != app.ClientID {
		t.Errorf("registered %+v", acct)
	}
	pk, err := partner.PartnerPublicKey(t.Context(), "example.com")
	if err != nil || *pk.PublicKey != want {
		t.Errorf("public_key = %+v, %v", pk, err)
	}
	if _, err := userClient.Products(t.Context()); err != nil {
		t.Errorf("after registration: %v", err)
	}
	if _, err := partner.RegisterPartner(t.Context(), "other.org"); !errors.Is(err, fleet.ErrNotRegistered) {
		t.Errorf("foreign domain: %v", err) // Tesla answers 412 (allowed origins)
	}
	if _, err := partner.RegisterPartner(t.Context(), "keys.example.com"); !errors.Is(err, fleet.ErrDependency) {
		t.Errorf("unreachable key: %v", err)
	}
	// EU has no registration yet.
	euPartner, _ := a.PartnerToken(t.Context(), fleet.RegionEU)
	eu := fleet.New(cfg, fleet.StaticToken(euPartner.AccessToken))
	_ = eu.UseRegion(fleet.RegionEU)
	if _, err := eu.PartnerPublicKey(t.Context(), "example.com"); !errors.Is(err, fleet.ErrNotFound) && !errors.Is(err, fleet.ErrNotRegistered) {
		t.Errorf("EU public key before registering there: %v", err)
	}
}
