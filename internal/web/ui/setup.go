package ui

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"time"
)

// Setup is the setup wizard's steps (the key, its hosting, registration,
// sign-in, pairing, doctor) as app runs them over the setup package; the
// UI sees only these view values.
type Setup interface {
	// Steps is every step's state, in order. It makes no billed call.
	Steps(ctx context.Context) []Step
	// Run runs one step's action (form holds the posted fields);
	// ErrUnknownStep for an id it does not know. A step that fails is
	// not an error: its Step says so, with the fix.
	Run(ctx context.Context, id string, form url.Values) error
	// SignIn starts Tesla's authorization for a browser that comes back
	// to callback (GET /auth/callback on this listener): the page to
	// send it to, and the state the callback must carry.
	SignIn(ctx context.Context, callback string) (authURL, state string, err error)
	// Finish ends a sign-in with the callback's query (code and state, or
	// Tesla's error); the login step shows the outcome.
	Finish(ctx context.Context, query url.Values) error
}

// ErrUnknownStep: Run got an id that is no step.
var ErrUnknownStep = errors.New("ui: no such setup step")

// StepStatus is a step's state.
type StepStatus string

// The states of a step.
const (
	StepDone    StepStatus = "done"
	StepTodo    StepStatus = "todo"
	StepFailed  StepStatus = "failed"
	StepWarning StepStatus = "warning"
)

// Label is the state in words (shown next to its colour).
func (s StepStatus) Label() string {
	switch s {
	case StepDone:
		return "Done"
	case StepFailed:
		return "Failed"
	case StepWarning:
		return "Warning"
	}
	return "To do"
}

// Step is one step of the wizard as the page shows it.
type Step struct {
	ID     string // "key", "hosting", "registration", "login", "pairing", "doctor"
	Title  string
	Status StepStatus
	Detail string
	Fix    string // what to do, when it is not done
	Action string // the action button's label; "" = none
	// Link, when set, is a page to open (Tesla's sign-in page, the
	// pairing link), shown as LinkText.
	Link, LinkText string
	QR             template.HTML // an SVG of Link (pairing), made by app
	Checks         []Check       // sub-results (doctor's checks)
}

// Check is one sub-result of a step.
type Check struct {
	Name   string
	Status StepStatus
	Detail string
	Fix    string
}

type setupView struct {
	Available bool
	Steps     []Step
	Done      int
	Error     string
}

// stepTimeout bounds one step's run (doctor asks Tesla several things).
const stepTimeout = 90 * time.Second

// oauthCookie holds the state of the sign-in this browser started, so
// the callback takes only an answer to it.
const oauthCookie = "teslafleet_oauth"

func (u *UI) setupPage(w http.ResponseWriter, r *http.Request, s Session) {
	v := setupView{Available: u.o.Setup != nil}
	if v.Available {
		v.Steps = u.o.Setup.Steps(r.Context())
		for _, st := range v.Steps {
			if st.Status == StepDone {
				v.Done++
			}
		}
	}
	u.render(w, r, http.StatusOK, "setup", page{Title: "Setup", Nav: "setup", CSRF: s.CSRF, Data: v})
}

// runStep runs a step's action, then shows the page again
// (post/redirect/get: a reload does not run it twice).
func (u *UI) runStep(w http.ResponseWriter, r *http.Request, s Session) {
	if u.o.Setup == nil {
		http.Error(w, "The setup wizard is not available here.", http.StatusNotFound)
		return
	}
	id := r.PathValue("step")
	ctx, cancel := context.WithTimeout(r.Context(), stepTimeout)
	defer cancel()
	if id == "login" {
		// The login step links to Tesla's page: a form's answer may not
		// redirect to another site (CSP form-action).
		_, state, err := u.o.Setup.SignIn(ctx, u.origin(r)+"/auth/callback")
		if err != nil {
			u.fail(w, r, err)
			return
		}
		http.SetCookie(w, u.cookie(r, oauthCookie, state, 15*time.Minute))
	} else if err := u.o.Setup.Run(ctx, id, r.PostForm); errors.Is(err, ErrUnknownStep) {
		http.NotFound(w, r)
		return
	} else if err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/setup#step-"+id, http.StatusSeeOther)
}

// authCallback is where Tesla sends the browser back after sign-in.
func (u *UI) authCallback(w http.ResponseWriter, r *http.Request, s Session) {
	if u.o.Setup == nil {
		http.Error(w, "The setup wizard is not available here.", http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	c, err := r.Cookie(oauthCookie)
	if err != nil || !sameSecret(q.Get("state"), c.Value) {
		u.render(w, r, http.StatusBadRequest, "message", page{Title: "Sign-in", Nav: "setup", CSRF: s.CSRF,
			Data: messageView{Text: "This answer from Tesla is not for a sign-in this browser started (an old or forged link): start the sign-in again.", Back: "/setup#step-login"}})
		return
	}
	http.SetCookie(w, u.cookie(r, oauthCookie, "", -1))
	ctx, cancel := context.WithTimeout(r.Context(), stepTimeout)
	defer cancel()
	if err := u.o.Setup.Finish(ctx, q); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/setup#step-login", http.StatusSeeOther)
}

// origin is this site's scheme and host as the browser reached it.
func (u *UI) origin(r *http.Request) string {
	scheme := "http"
	if u.https(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
