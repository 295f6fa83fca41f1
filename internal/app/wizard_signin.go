package app

// The wizard's sign-in step: Tesla's authorization started from the web UI,
// and its answer at the UI's /auth/callback.

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/setup"
	"github.com/teslafleet/teslafleet/internal/store"
	"github.com/teslafleet/teslafleet/internal/web/ui"
)

// loginStep: the signed-in accounts, the sign-in under way, the last
// sign-in's outcome.
func (w *wizard) loginStep(accts []store.Account, accErr error) ui.Step {
	s := ui.Step{ID: stepLogin, Title: "Sign in to Tesla", Action: "Sign in with Tesla"}
	switch {
	case accErr != nil:
		s.Status, s.Detail = ui.StepFailed, "Cannot read the accounts: "+accErr.Error()
	case len(accts) == 0:
		s.Status, s.Detail = ui.StepTodo, "No Tesla account is signed in yet."
		s.Fix = "Press Sign in with Tesla, sign in and allow access (or run teslafleet login)."
	default:
		var names []string
		for _, a := range accts {
			names = append(names, fmt.Sprintf("%s (region %s)", a.ID, a.Region))
		}
		s.Status, s.Detail = ui.StepDone, "Signed in: "+strings.Join(names, ", ")+"."
	}
	if w.login != nil {
		if w.login.Status == ui.StepFailed {
			s.Status, s.Fix = ui.StepFailed, w.login.Fix
		}
		if w.login.Status == ui.StepDone {
			s.Detail = w.login.Detail // says which account, and what comes next
		} else {
			s.Detail = strings.TrimSpace(s.Detail + " " + w.login.Detail)
		}
		s.Checks = w.login.Checks
	}
	if p, ok := w.pending[w.latest]; ok && time.Since(p.started) < signInTTL {
		s.Link, s.LinkText = p.authURL, "Continue to Tesla's sign-in page"
		s.Detail = strings.TrimSpace(s.Detail + " Tesla sends you back to " + p.redirect + ".")
	}
	return s
}

// SignIn starts an authorization (state and PKCE, as teslafleet login)
// whose answer comes to callback.
func (w *wizard) SignIn(_ context.Context, callback string) (string, string, error) {
	if w.fc.ClientID == "" {
		w.mu.Lock()
		w.login = &ui.Step{Status: ui.StepFailed, Detail: "No Tesla application.", Fix: "Set tesla.client_id and tesla.client_secret in the configuration."}
		w.mu.Unlock()
		return "", "", nil
	}
	sg, err := beginSignIn(w.fc, callback)
	if err != nil {
		return "", "", err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for st, p := range w.pending {
		if time.Since(p.started) >= signInTTL || len(w.pending) >= maxPending {
			delete(w.pending, st)
		}
	}
	w.pending[sg.state] = pendingSignIn{signIn: sg, started: time.Now()}
	w.latest, w.login = sg.state, nil
	return sg.authURL, sg.state, nil
}

// Finish takes Tesla's answer: the code is exchanged and the account and
// its token kept, as teslafleet login does.
func (w *wizard) Finish(ctx context.Context, q url.Values) error {
	state := q.Get("state")
	w.mu.Lock()
	p, ok := w.pending[state]
	delete(w.pending, state)
	w.mu.Unlock()
	outcome := func(s ui.Step) error {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.login = &s
		return nil
	}
	if !ok || time.Since(p.started) >= signInTTL {
		return outcome(ui.Step{Status: ui.StepFailed, Detail: "This sign-in is over (it expired or was finished).", Fix: "Press Sign in with Tesla again."})
	}
	redirectFix := "Check that " + p.redirect + " is one of the Allowed Redirect URI(s) of your app on developer.tesla.com, then press Sign in with Tesla again."
	res := codeFrom(q, state)
	if res.err != nil {
		return outcome(ui.Step{Status: ui.StepFailed, Detail: res.err.Error(), Fix: redirectFix})
	}
	tok, err := p.exchange(ctx, res.code)
	if err != nil {
		return outcome(ui.Step{Status: ui.StepFailed, Detail: err.Error(), Fix: redirectFix})
	}
	before, err := w.st.Accounts(ctx)
	if err != nil {
		return err
	}
	acct, err := saveSignIn(ctx, w.st, w.fc, tok, "")
	if err != nil {
		return err
	}
	s := ui.Step{Status: ui.StepDone,
		Detail: fmt.Sprintf("Signed in just now as %s (region %s). %sstarts polling an account it did not have.", acct.ID, acct.Region, restartFor)}
	known := false
	for _, a := range before {
		if a.ID == acct.ID {
			known = true
			s.Detail = fmt.Sprintf("Signed in again as %s (region %s): the new token is kept.", acct.ID, acct.Region)
		}
	}
	if !known && w.serveAccount != nil {
		what, err := w.serveAccount(ctx, acct)
		if err != nil {
			s.Status, s.Detail = ui.StepWarning, fmt.Sprintf("Signed in just now as %s (region %s), but it is not served yet: %v.", acct.ID, acct.Region, err)
			s.Fix = "Restart teslafleet serve; it resumes every signed-in account."
		} else {
			s.Detail = fmt.Sprintf("Signed in just now as %s (region %s): %s.", acct.ID, acct.Region, what)
		}
	}
	for _, m := range setup.MissingScopes(acct.Scopes) {
		s.Checks = append(s.Checks, ui.Check{Name: "not granted", Status: ui.StepWarning, Detail: m,
			Fix: "Sign in again and allow it, if you want what it gives."})
	}
	return outcome(s)
}
