package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
)

// login runs the authorization code flow as a person would: a loopback
// callback server receives the redirect, and the simulator's person opens
// the consent page in a "browser" and allows it as account; the browser
// then follows the redirect to the callback. The exchanged token is saved
// in store.
func login(ctx context.Context, cloud *sim.Cloud, cfg fleet.Config, account string, store fleet.TokenStore) (*fleet.OAuth, error) {
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
	if err := allowConsent(ctx, cloud, authURL, account); err != nil {
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

// allowConsent has the simulated person allow every requested scope for
// account on the consent page at authURL; the browser follows the redirect
// to the callback.
func allowConsent(ctx context.Context, cloud *sim.Cloud, authURL, account string) error {
	browser := &http.Client{Timeout: 10 * time.Second}
	redirect, err := cloud.ApproveConsent(ctx, browser, authURL, sim.Consent{Account: account})
	if err != nil {
		return err
	}
	resp, err := get(ctx, browser, redirect)
	if err != nil {
		return fmt.Errorf("sign-in: follow the redirect to the callback: %w", err)
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
