package sim

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Consent is what the simulated person does on the consent page: sign in as
// Account and tick Scopes (nil = every scope the app requested).
type Consent struct {
	Account string
	Scopes  []string
}

// ApproveConsent is the simulated person at the browser: it opens the
// consent page at authURL (an /oauth2/v3/authorize URL built by the client)
// with client, signs in as c.Account, allows c.Scopes and submits the form.
// It returns the URL the OAuth server redirects the browser to — the
// client's redirect_uri with code and state — without following it (the
// caller delivers it to its callback, as the browser would). When the
// server redirects with an error instead of a code, the URL is returned
// with an error. client may be nil (http.DefaultClient); its Transport,
// Jar and Timeout are used, its redirect policy is not.
func (c *Cloud) ApproveConsent(ctx context.Context, client *http.Client, authURL string, consent Consent) (string, error) {
	if client == nil {
		client = http.DefaultClient
	}
	browser := *client
	browser.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	page, err := send(ctx, &browser, http.MethodGet, authURL, nil)
	if err != nil {
		return "", fmt.Errorf("sign-in: open the consent page: %w", err)
	}
	drain(page)
	if page.StatusCode != http.StatusOK {
		return "", fmt.Errorf("sign-in: the consent page answered %s", page.Status)
	}
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	form := u.Query()
	form.Set("account", consent.Account)
	form.Set("action", "allow")
	if consent.Scopes == nil {
		form["scopes"] = strings.Fields(form.Get("scope"))
	} else {
		form["scopes"] = consent.Scopes
	}
	target := u.Scheme + "://" + u.Host + u.Path
	resp, err := send(ctx, &browser, http.MethodPost, target, form)
	if err != nil {
		return "", fmt.Errorf("sign-in: submit the consent form: %w", err)
	}
	drain(resp)
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("sign-in: consent was not accepted: %s", resp.Status)
	}
	loc, err := resp.Location()
	if err != nil {
		return "", fmt.Errorf("sign-in: the consent redirect: %w", err)
	}
	q := loc.Query()
	switch {
	case q.Get("error") != "":
		return loc.String(), fmt.Errorf("sign-in: consent was not accepted: %s: %s", q.Get("error"), q.Get("error_description"))
	case q.Get("code") == "":
		return loc.String(), errors.New("sign-in: the consent redirect carries no code")
	}
	return loc.String(), nil
}

// send issues a GET, or a POST of form when form is non-nil.
func send(ctx context.Context, c *http.Client, method, u string, form url.Values) (*http.Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return c.Do(req)
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
}
