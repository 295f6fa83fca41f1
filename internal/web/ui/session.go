package ui

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Session is a signed-in browser as the store keeps it: the hash of its id
// (never the id itself), its CSRF token and when it ends.
type Session struct {
	Hash      string
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// ErrNoSession is what SessionStore.Session returns for a session it does
// not know or that has ended.
var ErrNoSession = errors.New("ui: no such session")

// SessionStore keeps the UI's password hash and its sessions (the store,
// through app).
type SessionStore interface {
	Password(ctx context.Context) (hash []byte, set bool, err error)
	// SetPassword keeps a new hash and ends every session.
	SetPassword(ctx context.Context, hash []byte) error
	SaveSession(ctx context.Context, s Session) error
	Session(ctx context.Context, hash string) (Session, error)
	DeleteSession(ctx context.Context, hash string) error
}

const (
	sessionCookie = "teslafleet_session"
	loginCookie   = "teslafleet_login" // the sign-in form's CSRF token
	csrfHeader    = "X-CSRF-Token"
	minPassword   = 8
)

// randomHex is n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func hashID(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

func sameSecret(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// session returns the request's live session.
func (u *UI) session(r *http.Request) (Session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return Session{}, false
	}
	s, err := u.o.Sessions.Session(r.Context(), hashID(c.Value))
	if err != nil {
		if !errors.Is(err, ErrNoSession) {
			u.log.Error("ui: read a session", "err", err)
		}
		return Session{}, false
	}
	return s, true
}

// Authenticated reports whether the request comes from a signed-in
// browser; a request that may change something must also carry the
// session's CSRF token in the X-CSRF-Token header.
func (u *UI) Authenticated(r *http.Request) bool {
	s, ok := u.session(r)
	if !ok {
		return false
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	return sameSecret(r.Header.Get(csrfHeader), s.CSRF)
}

// page wraps a page that needs a signed-in browser: others are sent to
// the sign-in page, which brings them back.
func (u *UI) page(h func(http.ResponseWriter, *http.Request, Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s, ok := u.session(r)
		if !ok {
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		h(w, r, s)
	}
}

// form wraps a form's POST: a signed-in browser and the session's CSRF
// token (the form's csrf field or the header).
func (u *UI) form(h func(http.ResponseWriter, *http.Request, Session)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
		s, ok := u.session(r)
		if !ok {
			http.Error(w, "Sign in first.", http.StatusUnauthorized)
			return
		}
		tok := r.Header.Get(csrfHeader)
		if tok == "" {
			tok = r.PostFormValue("csrf")
		}
		if !sameSecret(tok, s.CSRF) {
			http.Error(w, "This form has expired: reload the page and try again.", http.StatusForbidden)
			return
		}
		h(w, r, s)
	}
}

// loginView is the sign-in page.
type loginView struct {
	FirstRun bool
	Next     string
	Error    string
	CSRF     string
}

func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, ok := u.session(r); ok {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	u.renderLogin(w, r, http.StatusOK, "")
}

func (u *UI) renderLogin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	_, set, err := u.o.Sessions.Password(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	// One token per browser, kept while it signs in (a second tab or a
	// refused attempt does not void the first form).
	tok := randomHex(16)
	if c, err := r.Cookie(loginCookie); err == nil && len(c.Value) == len(tok) {
		tok = c.Value
	}
	http.SetCookie(w, u.cookie(r, loginCookie, tok, 30*time.Minute))
	w.Header().Set("Cache-Control", "no-store")
	next := r.FormValue("next")
	u.render(w, r, status, "login", page{Title: "Sign in", Data: loginView{FirstRun: !set, Next: localPath(next), Error: msg, CSRF: tok}})
}

// login signs a browser in with the password, or with an API token; on
// the first run, the API token sets the password.
func (u *UI) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameSecret(r.PostFormValue("csrf"), c.Value) {
		u.renderLogin(w, r, http.StatusForbidden, "The sign-in form expired: try again.")
		return
	}
	ctx := r.Context()
	hash, set, err := u.o.Sessions.Password(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	secret := r.PostFormValue("secret")
	newPassword := ""
	if !set && r.PostFormValue("password") != "" {
		newPassword = r.PostFormValue("password")
		if len(newPassword) < minPassword {
			u.renderLogin(w, r, http.StatusBadRequest, "Choose a password of at least 8 characters.")
			return
		}
		if newPassword != r.PostFormValue("password2") {
			u.renderLogin(w, r, http.StatusBadRequest, "The two passwords differ.")
			return
		}
	}
	good, blocked := u.o.Gate.Check(r, func() bool {
		if set && bcrypt.CompareHashAndPassword(hash, []byte(secret)) == nil {
			return true
		}
		return u.o.Gate.Token(ctx, secret)
	})
	if blocked {
		u.renderLogin(w, r, http.StatusTooManyRequests, "Too many failed attempts: wait a minute and try again.")
		return
	}
	if !good {
		msg := "Wrong password or API token."
		if !set {
			msg = "That is not an API token of this teslafleet (it is printed when teslafleet starts)."
		}
		u.renderLogin(w, r, http.StatusUnauthorized, msg)
		return
	}
	if newPassword != "" {
		h, err := bcrypt.GenerateFromPassword([]byte(newPassword), bcrypt.DefaultCost)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		if err := u.o.Sessions.SetPassword(ctx, h); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	id := randomHex(32)
	now := u.o.Now()
	s := Session{Hash: hashID(id), CSRF: randomHex(32), CreatedAt: now, ExpiresAt: now.Add(u.o.SessionTTL)}
	if err := u.o.Sessions.SaveSession(ctx, s); err != nil {
		u.fail(w, r, err)
		return
	}
	http.SetCookie(w, u.cookie(r, sessionCookie, id, u.o.SessionTTL))
	http.SetCookie(w, u.cookie(r, loginCookie, "", -1))
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
}

func (u *UI) logout(w http.ResponseWriter, r *http.Request, s Session) {
	if err := u.o.Sessions.DeleteSession(r.Context(), s.Hash); err != nil {
		u.fail(w, r, err)
		return
	}
	http.SetCookie(w, u.cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// cookie is one of the UI's cookies: HTTP-only, SameSite=Lax, Secure over
// HTTPS (see https); a negative ttl deletes it.
func (u *UI) cookie(r *http.Request, name, value string, ttl time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: u.https(r)}
	if ttl < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(ttl / time.Second)
	}
	return c
}

// https reports whether the browser reached this site over HTTPS: TLS
// here, a trusted proxy's X-Forwarded-Proto, or the configuration says so.
func (u *UI) https(r *http.Request) bool {
	return u.o.Secure || r.TLS != nil || u.o.Gate.ViaTrustedProxy(r) && r.Header.Get("X-Forwarded-Proto") == "https"
}

// localPath keeps a redirect target on this site ("/" otherwise).
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}
