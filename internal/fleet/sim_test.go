package fleet_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
	"github.com/teslafleet/teslafleet/internal/sim/oauth"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// simEnv is a running simulated cloud and a fleet.Config pointing at it.
type simEnv struct {
	*sim.Server
	cfg fleet.Config
}

func startSim(t testing.TB, opts sim.Options) *simEnv {
	t.Helper()
	if opts.Seed == 0 {
		opts.Seed = 7
	}
	srv, err := sim.Start("", opts) // Speed 0: the clock moves only when a test says so
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	app := srv.DemoApp()
	return &simEnv{Server: srv, cfg: fleet.Config{
		ClientID: app.ClientID, ClientSecret: app.ClientSecret, RedirectURL: "http://127.0.0.1:9/callback",
		AuthorizeURL: srv.AuthURL + "/oauth2/v3/authorize", TokenURL: srv.AuthURL + "/oauth2/v3/token",
		BaseURLs: map[fleet.Region]string{fleet.RegionNA: srv.URLs["NA"], fleet.RegionEU: srv.URLs["EU"], fleet.RegionCN: srv.URLs["CN"]},
		Retry:    fleet.Retry{Attempts: 2, Backoff: time.Millisecond, MaxBackoff: time.Millisecond},
	}}
}

// token mints a user token pair for the demo account.
func (e *simEnv) token(t testing.TB, scopes ...string) *oauth2.Token {
	t.Helper()
	if len(scopes) == 0 {
		scopes = oauth.AllScopes()
	}
	tk, err := e.MintToken(world.DemoEmail, scopes)
	if err != nil {
		t.Fatal(err)
	}
	return &oauth2.Token{AccessToken: tk.AccessToken, RefreshToken: tk.RefreshToken, TokenType: "Bearer",
		Expiry: time.Now().Add(time.Duration(tk.ExpiresIn) * time.Second)}
}

func (e *simEnv) client(t testing.TB, scopes ...string) *fleet.Client {
	return fleet.New(e.cfg, fleet.StaticToken(e.token(t, scopes...).AccessToken))
}

// control calls a /_sim/ control and decodes its JSON answer into out.
func (e *simEnv) control(t testing.TB, method, path string, body, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.URLs["NA"]+path, rd)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

func (e *simEnv) setState(t testing.TB, vin, state string) {
	e.control(t, "PATCH", "/_sim/vehicles/"+vin, map[string]any{"state": state}, nil)
}

func (e *simEnv) oauthStat(key string) int { return e.OAuth().Stats()[key] }

// memStore is the in-memory TokenStore that records saves; failSave makes
// Save fail.
type memStore struct {
	fleet.MemoryTokenStore
	mu       sync.Mutex
	saved    []*oauth2.Token
	failSave bool
}

func (s *memStore) Save(ctx context.Context, tok *oauth2.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failSave {
		return errors.New("disk full")
	}
	cp := *tok
	s.saved = append(s.saved, &cp)
	return s.MemoryTokenStore.Save(ctx, tok)
}

func (s *memStore) saves() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.saved)
}

// TestSimLogin runs the authorization-code flow through the simulator's
// consent form, exchanges the code and calls the API with the token.
func TestSimLogin(t *testing.T) {
	e := startSim(t, sim.Options{})
	for _, pkce := range []bool{false, true} {
		a := fleet.NewOAuth(e.cfg)
		authURL, verifier := a.AuthCodeURL("xyz", fleet.AuthOptions{PKCE: pkce, PromptLogin: true})
		page := httpGet(t, authURL)
		if !strings.Contains(page, `name="scopes"`) || !strings.Contains(page, `action="/oauth2/v3/authorize"`) {
			t.Fatalf("consent page without the form:\n%.400s", page)
		}
		u, _ := url.Parse(authURL)
		form := u.Query()
		form.Set("account", world.DemoEmail)
		form.Set("action", "allow")
		for _, s := range fleet.DefaultScopes {
			form.Add("scopes", s)
		}
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.PostForm(e.AuthURL+"/oauth2/v3/authorize", form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, err := resp.Location()
		if err != nil || resp.StatusCode != http.StatusFound {
			t.Fatalf("consent answer %d, location %v", resp.StatusCode, err)
		}
		code := loc.Query().Get("code")
		if loc.Query().Get("state") != "xyz" || !strings.HasPrefix(code, "NA_") {
			t.Fatalf("callback %s", loc)
		}
		tok, err := a.Exchange(t.Context(), code, verifier)
		if err != nil {
			t.Fatalf("Exchange (PKCE %v): %v", pkce, err)
		}
		cl, err := fleet.ParseClaims(tok.AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := cl.Region(); r != fleet.RegionNA || !cl.HasScope("vehicle_cmds") || cl.Subject == "" || tok.RefreshToken == "" {
			t.Errorf("claims %+v", cl)
		}
		store := &memStore{MemoryTokenStore: fleet.MemoryTokenStore{Token: tok}}
		c := fleet.New(e.cfg, a.TokenManager(store))
		p, err := c.Products(t.Context())
		if err != nil || len(p.Vehicles()) != 2 || len(p.EnergySites()) != 1 {
			t.Fatalf("Products = %v, %v", p, err)
		}
		// A code is single use.
		if _, err := a.Exchange(t.Context(), code, verifier); !errors.Is(err, fleet.ErrAuth) {
			t.Errorf("second exchange: %v", err)
		}
	}
}

func httpGet(t testing.TB, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return string(b)
}

// expired returns a copy of tok that the TokenManager must refresh.
func expired(tok *oauth2.Token) *oauth2.Token {
	cp := *tok
	cp.Expiry = time.Now().Add(-time.Minute)
	return &cp
}

// TestSimRefreshRotation: the rotated pair is saved before use; the old
// refresh token keeps working for the 24 h grace only.
func TestSimRefreshRotation(t *testing.T) {
	e := startSim(t, sim.Options{})
	a := fleet.NewOAuth(e.cfg)
	first := e.token(t)
	store := &memStore{MemoryTokenStore: fleet.MemoryTokenStore{Token: expired(first)}}
	c := fleet.New(e.cfg, a.TokenManager(store))
	before := e.oauthStat(oauth.StatRefreshToken)
	if _, err := c.Products(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := e.oauthStat(oauth.StatRefreshToken) - before; got != 1 || store.saves() != 1 {
		t.Fatalf("refreshes %d, saves %d", got, store.saves())
	}
	second, _ := store.Load(t.Context())
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatal("refresh did not rotate the pair")
	}
	// 25 h later the refresh token used for the rotation is dead…
	e.control(t, "POST", "/_sim/clock", map[string]string{"advance": "25h"}, nil)
	if _, err := a.Refresh(t.Context(), first.RefreshToken); !errors.Is(err, fleet.ErrLoginRequired) {
		t.Errorf("old refresh token after the grace: %v", err)
	}
	// …while the saved one still works, and the client recovers from the
	// expired access token (the sim's clock moved past its exp) by itself.
	if _, err := c.Products(t.Context()); err != nil {
		t.Fatalf("after 25 h: %v", err)
	}
	if store.saves() != 2 {
		t.Errorf("saves %d, want 2 (one refresh after the 401)", store.saves())
	}
}

// TestSimRefreshGrace: within 24 h the previous refresh token still works.
func TestSimRefreshGrace(t *testing.T) {
	e := startSim(t, sim.Options{})
	a := fleet.NewOAuth(e.cfg)
	first := e.token(t)
	second, err := a.Refresh(t.Context(), first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	e.control(t, "POST", "/_sim/clock", map[string]string{"advance": "23h"}, nil)
	if _, err := a.Refresh(t.Context(), first.RefreshToken); err != nil || second.RefreshToken == first.RefreshToken {
		t.Errorf("old refresh token within the grace: %v", err)
	}
}

// TestSimSaveFailure: a token that could not be saved is not used.
func TestSimSaveFailure(t *testing.T) {
	e := startSim(t, sim.Options{})
	store := &memStore{MemoryTokenStore: fleet.MemoryTokenStore{Token: expired(e.token(t))}, failSave: true}
	c := fleet.New(e.cfg, fleet.NewOAuth(e.cfg).TokenManager(store))
	e.control(t, "DELETE", "/_sim/billing", nil, nil)
	before := e.oauthStat(oauth.StatRefreshToken)
	_, err := c.Products(t.Context())
	if !errors.Is(err, fleet.ErrTokenStore) {
		t.Fatalf("err = %v", err)
	}
	var bill sim.BillingReport
	e.control(t, "GET", "/_sim/billing", nil, &bill)
	if bill.Counts["free"] != 0 || e.oauthStat(oauth.StatRefreshToken)-before != 1 {
		t.Errorf("API requests %v, refreshes %d", bill.Counts, e.oauthStat(oauth.StatRefreshToken)-before)
	}
}

// TestSimSingleRefresh: concurrent callers cause exactly one refresh.
func TestSimSingleRefresh(t *testing.T) {
	e := startSim(t, sim.Options{})
	store := &memStore{MemoryTokenStore: fleet.MemoryTokenStore{Token: expired(e.token(t))}}
	c := fleet.New(e.cfg, fleet.NewOAuth(e.cfg).TokenManager(store))
	before := e.oauthStat(oauth.StatRefreshToken)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Products(t.Context())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := e.oauthStat(oauth.StatRefreshToken) - before; n != 1 || store.saves() != 1 {
		t.Errorf("refreshes %d, saves %d: want 1", n, store.saves())
	}
}
