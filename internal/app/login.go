package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// login runs the authorization code flow as a person would: a loopback
// callback server receives the redirect, and a "browser" opens the consent
// page and allows it as account. The exchanged token is saved in store.
func login(ctx context.Context, cfg fleet.Config, account string, store fleet.TokenStore) (*fleet.OAuth, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the OAuth callback: %w", err)
	}
	state, err := randomState()
	if err != nil {
		return nil, err
	}
	codes := make(chan string, 1)
	cb := &http.Server{Handler: callback(state, codes), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = cb.Serve(ln) }()
	defer cb.Close()

	cfg.RedirectURL = "http://" + ln.Addr().String() + "/callback"
	oa := fleet.NewOAuth(cfg)
	authURL, verifier := oa.AuthCodeURL(state, fleet.AuthOptions{PromptLogin: true})
	if err := allowConsent(ctx, authURL, account); err != nil {
		return nil, err
	}
	var code string
	select {
	case code = <-codes:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-time.After(10 * time.Second):
		return nil, errors.New("sign-in: the OAuth server never redirected back with a code")
	}
	tok, err := oa.Exchange(ctx, code, verifier)
	if err != nil {
		return nil, fmt.Errorf("sign-in: exchange the code: %w", err)
	}
	if err := store.Save(ctx, tok); err != nil {
		return nil, fmt.Errorf("sign-in: save the token: %w", err)
	}
	return oa, nil
}

// callback answers the OAuth redirect and hands the code over.
func callback(state string, codes chan<- string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		switch {
		case q.Get("error") != "":
			http.Error(w, "Sign-in failed: "+q.Get("error"), http.StatusBadRequest)
		case q.Get("state") != state:
			http.Error(w, "Sign-in failed: state does not match", http.StatusBadRequest)
		case q.Get("code") == "":
			http.Error(w, "Sign-in failed: no code", http.StatusBadRequest)
		default:
			select {
			case codes <- q.Get("code"):
			default:
			}
			fmt.Fprintln(w, "Signed in to Tesla. You can close this tab.")
		}
	})
}

// allowConsent opens the consent page at authURL and submits it, allowing
// every requested scope for account; the browser follows the redirect to
// the callback.
func allowConsent(ctx context.Context, authURL, account string) error {
	browser := &http.Client{Timeout: 10 * time.Second}
	page, err := get(ctx, browser, authURL)
	if err != nil {
		return fmt.Errorf("sign-in: open the consent page: %w", err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK {
		return fmt.Errorf("sign-in: the consent page answered %s", page.Status)
	}
	u, err := url.Parse(authURL)
	if err != nil {
		return err
	}
	form := u.Query()
	form.Set("account", account)
	form.Set("action", "allow")
	form["scopes"] = strings.Fields(form.Get("scope"))
	target := u.Scheme + "://" + u.Host + u.Path
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := browser.Do(req)
	if err != nil {
		return fmt.Errorf("sign-in: submit the consent form: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sign-in: consent was not accepted: %s", resp.Status)
	}
	return nil
}

func get(ctx context.Context, c *http.Client, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	return c.Do(req)
}

func randomState() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
