package app

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim"
)

// simLogin signs in to the simulator as a person would: the simulator's
// person opens the consent page and allows it as account, then the browser
// follows the redirect to the loopback callback. The token is saved in
// store.
func simLogin(ctx context.Context, cloud *sim.Cloud, cfg fleet.Config, account string, store fleet.TokenStore) (*fleet.OAuth, error) {
	browser := &http.Client{Timeout: 10 * time.Second}
	oa, tok, err := authorization{
		cfg:      cfg,
		redirect: "http://127.0.0.1:0/callback",
		wait:     10 * time.Second,
		open: func(ctx context.Context, authURL string) error {
			redirect, err := cloud.ApproveConsent(ctx, browser, authURL, sim.Consent{Account: account})
			if err != nil {
				return err
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, redirect, nil)
			if err != nil {
				return err
			}
			resp, err := browser.Do(req)
			if err != nil {
				return fmt.Errorf("sign-in: follow the redirect to the callback: %w", err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("sign-in: consent was not accepted: %s", resp.Status)
			}
			return nil
		},
	}.run(ctx)
	if err != nil {
		return nil, err
	}
	if err := store.Save(ctx, tok); err != nil {
		return nil, fmt.Errorf("sign-in: save the token: %w", err)
	}
	return oa, nil
}
