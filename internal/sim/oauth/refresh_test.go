package oauth

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRefreshRotation(t *testing.T) {
	e := newEnv(t)
	first, err := e.s.Mint(ownerEmail, "", []string{"openid", "offline_access", "vehicle_device_data"})
	if err != nil {
		t.Fatal(err)
	}
	r1 := first.RefreshToken
	ok := func(rt string) Tokens {
		t.Helper()
		status, tok, eb := e.refresh(t, rt)
		if status != http.StatusOK {
			t.Fatalf("refresh: %d %+v", status, eb)
		}
		if tok.RefreshToken == "" || tok.RefreshToken == rt || tok.AccessToken == "" || tok.IDToken == "" || tok.ExpiresIn != 28800 {
			t.Fatalf("refresh answer %+v", tok)
		}
		return tok
	}
	dead := func(rt, why string) {
		t.Helper()
		status, _, eb := e.refresh(t, rt)
		if status != http.StatusUnauthorized || eb.Error != "login_required" || !strings.Contains(eb.Description, why) {
			t.Fatalf("refresh: %d %+v, want 401 login_required (%s)", status, eb, why)
		}
	}

	e.clock.advance(time.Hour)
	second := ok(r1) // r1 is now the most recently used token
	r2 := second.RefreshToken
	if second.AccessToken == first.AccessToken {
		t.Error("the access token was not renewed")
	}
	if _, p := decodeJWT(t, second.AccessToken); !jsonEqual(p["scp"], []string{"openid", "offline_access", "vehicle_device_data"}) || p["sub"] != ownerID {
		t.Errorf("refreshed claims lost the grant: %v", p)
	}

	e.clock.advance(23 * time.Hour)
	r3 := ok(r1).RefreshToken // within 24 h of its use: still valid, another pair

	e.clock.advance(2 * time.Hour)
	dead(r1, "used") // 25 h after its use

	r4 := ok(r3).RefreshToken // r3 was never used: valid; r1 is no longer the last used
	dead(r2, "cycled out")    // sibling of r3: superseded once r3 was used
	ok(r3)                    // r3 is now the most recently used: grace applies
	ok(r4)
	dead(r3, "cycled out") // superseded by r4's use

	dead("NA_not-a-token", "invalid")
	if st := e.s.Stats(); st[StatRefreshes] != 5 || st[StatRefreshToken] != 5 || st[StatLoginRequired] != 4 || st[StatMint] != 1 {
		t.Errorf("stats = %v", st)
	}
}

func TestRefreshExpiryAndClient(t *testing.T) {
	e := newEnv(t)
	e.s.AddApp(App{ClientID: "other-app", ClientSecret: "pw"})
	mint := func() string {
		tok, err := e.s.Mint(ownerEmail, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		return tok.RefreshToken
	}
	rt := mint()
	if status, _, eb := e.token(t, url.Values{"grant_type": {"refresh_token"}, "client_id": {"other-app"}, "client_secret": {"pw"}, "refresh_token": {rt}}); status != 401 || eb.Error != "login_required" {
		t.Errorf("another client: %d %+v", status, eb)
	}
	if status, _, eb := e.token(t, url.Values{"grant_type": {"refresh_token"}, "client_id": {e.demo.ClientID}, "client_secret": {"wrong"}, "refresh_token": {rt}}); status != 400 || eb.Error != "unauthorized_client" {
		t.Errorf("wrong secret: %d %+v", status, eb)
	}
	if status, _, eb := e.token(t, url.Values{"grant_type": {"refresh_token"}, "client_id": {e.demo.ClientID}, "client_secret": {e.demo.ClientSecret}, "refresh_token": {rt}}); status != 200 {
		t.Errorf("with secret: %d %+v", status, eb)
	}
	if status, _, eb := e.token(t, url.Values{"grant_type": {"refresh_token"}, "client_id": {e.demo.ClientID}}); status != 400 || eb.Error != "invalid_request" {
		t.Errorf("no token: %d %+v", status, eb)
	}

	// A token expires three months after it was issued, used or not.
	fresh := mint()
	e.clock.advance(89 * 24 * time.Hour)
	renewed := ok3(t, e, fresh)
	e.clock.advance(3 * 24 * time.Hour)
	if status, _, eb := e.refresh(t, mint()); status != 200 {
		t.Errorf("a new token: %d %+v", status, eb)
	}
	stale := mint()
	e.clock.advance(93 * 24 * time.Hour)
	if status, _, eb := e.refresh(t, stale); status != 401 || !strings.Contains(eb.Description, "expired") {
		t.Errorf("after 3 months: %d %+v", status, eb)
	}
	if status, _, eb := e.refresh(t, renewed); status != 401 {
		t.Errorf("renewed token after 3 months: %d %+v", status, eb)
	}
}

func ok3(t *testing.T, e *env, rt string) string {
	t.Helper()
	status, tok, eb := e.refresh(t, rt)
	if status != 200 {
		t.Fatalf("refresh: %d %+v", status, eb)
	}
	return tok.RefreshToken
}

func TestRefreshFollowsAccountRegion(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.s.Mint(ownerEmail, "", nil)
	e.accts.setRegion(ownerID, "EU")
	_, next, _ := e.refresh(t, tok.RefreshToken)
	if !strings.HasPrefix(next.RefreshToken, "EU_") {
		t.Errorf("refresh token %q lacks the new region", next.RefreshToken[:3])
	}
	p, err := e.s.Authenticate(bearer(next.AccessToken))
	if err != nil || p.Region != "EU" {
		t.Errorf("principal %+v %v", p, err)
	}
}

// Concurrent refreshes with the same token are both answered (the second
// within the grace window); run with -race to check the locking.
func TestConcurrentRefresh(t *testing.T) {
	e := newEnv(t)
	tok, _ := e.s.Mint(ownerEmail, "", nil)
	var wg sync.WaitGroup
	statuses := make([]int, 4)
	for i := range statuses {
		wg.Go(func() { statuses[i], _, _ = e.refresh(t, tok.RefreshToken) })
	}
	wg.Wait()
	for i, s := range statuses {
		if s != 200 {
			t.Errorf("caller %d: %d", i, s)
		}
	}
	if got := e.s.Stats()[StatRefreshes]; got != 4 {
		t.Errorf("refreshes = %d", got)
	}
}

// Expired codes and dead refresh tokens do not pile up.
func TestSweep(t *testing.T) {
	c := &clock{t: time.Unix(0, 0)}
	s, _ := New(Options{Now: c.now})
	g := &grant{accountID: "a", clientID: s.demoID}
	s.mu.Lock()
	defer s.mu.Unlock()
	for range sweepEvery {
		s.newRefreshLocked(g, 1, "NA", c.now())
	}
	s.codes["NA_old"] = &authCode{expiresAt: c.now().Add(codeTTL)}
	c.advance(100 * 24 * time.Hour)
	for range sweepEvery {
		s.newRefreshLocked(g, 1, "NA", c.now())
	}
	if len(s.refresh) > sweepEvery+1 || len(s.codes) != 0 {
		t.Errorf("%d refresh tokens and %d codes left", len(s.refresh), len(s.codes))
	}
}
