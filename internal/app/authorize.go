package app

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// authorization is one run of the authorization-code flow.
type authorization struct {
	cfg      fleet.Config
	redirect string // the redirect URL registered with the app; port 0 = any free loopback port
	// open hands the authorization URL to the person (prints it, opens a
	// browser, or has the simulator's person approve it).
	open func(ctx context.Context, authURL string) error
	// paste, when set, gives lines the person typed: the redirected URL,
	// for a machine whose browser cannot reach the loopback callback.
	paste <-chan string
	// wait bounds the whole flow.
	wait time.Duration
}

// run performs the flow with a checked state and PKCE: it listens for the
// redirect on the redirect URL's loopback address, hands the authorization
// URL over, takes the code from the callback or from a pasted URL,
// whichever comes first, and exchanges it. The caller stores the token.
func (a authorization) run(ctx context.Context) (*fleet.OAuth, *oauth2.Token, error) {
	ru, err := url.Parse(a.redirect)
	if err != nil || ru.Scheme != "http" || ru.Host == "" {
		return nil, nil, fmt.Errorf("sign-in: redirect URL %q: want http://<loopback host>:<port>/<path>", a.redirect)
	}
	ln, err := net.Listen("tcp", ru.Host)
	if err != nil {
		return nil, nil, fmt.Errorf("sign-in: listen for the OAuth callback on %s: %w", ru.Host, err)
	}
	if ru.Port() == "0" {
		ru.Host = ln.Addr().String()
	}
	path := ru.Path
	if path == "" {
		path = "/"
	}
	sg, err := beginSignIn(a.cfg, ru.String())
	if err != nil {
		ln.Close()
		return nil, nil, err
	}
	state := sg.state
	codes := make(chan result, 2)
	mux := http.NewServeMux()
	mux.Handle(path, callback(state, codes))
	cb := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = cb.Serve(ln) }()
	defer cb.Close()

	authURL := sg.authURL
	done := make(chan struct{})
	defer close(done)
	if a.paste != nil {
		go readPasted(a.paste, done, state, codes)
	}
	if err := a.open(ctx, authURL); err != nil {
		return nil, nil, err
	}
	wait := a.wait
	if wait <= 0 {
		wait = 10 * time.Minute
	}
	var code string
	select {
	case r := <-codes:
		if r.err != nil {
			return nil, nil, r.err
		}
		code = r.code
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	case <-time.After(wait):
		return nil, nil, errors.New("sign-in: no answer from the authorization page in time; run the command again")
	}
	tok, err := sg.exchange(ctx, code)
	if err != nil {
		return nil, nil, err
	}
	return sg.oa, tok, nil
}

// signIn is one started authorization: its state, its PKCE verifier and
// the URL of Tesla's page. The loopback flow above and the web UI's setup
// wizard (whose callback is on the UI's listener) both start here.
type signIn struct {
	oa       *fleet.OAuth
	authURL  string
	state    string
	verifier string
	redirect string
}

// beginSignIn starts an authorization that Tesla answers at redirect.
func beginSignIn(cfg fleet.Config, redirect string) (signIn, error) {
	state, err := randomHex(16)
	if err != nil {
		return signIn{}, err
	}
	cfg.RedirectURL = redirect
	oa := fleet.NewOAuth(cfg)
	authURL, verifier := oa.AuthCodeURL(state, fleet.AuthOptions{PKCE: true, PromptLogin: true})
	return signIn{oa: oa, authURL: authURL, state: state, verifier: verifier, redirect: redirect}, nil
}

// exchange trades the callback's code for a token.
func (s signIn) exchange(ctx context.Context, code string) (*oauth2.Token, error) {
	tok, err := s.oa.Exchange(ctx, code, s.verifier)
	if err != nil {
		return nil, fmt.Errorf("sign-in: exchange the code: %w", err)
	}
	return tok, nil
}

// result is a code, or why there is none.
type result struct {
	code string
	err  error
}

// callback answers the OAuth redirect and hands the code over.
func callback(state string, codes chan<- result) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res := codeFrom(r.URL.Query(), state)
		if res.err != nil {
			http.Error(w, res.err.Error(), http.StatusBadRequest)
		} else {
			fmt.Fprintln(w, "Signed in to Tesla. You can close this tab.")
		}
		select {
		case codes <- res:
		default:
		}
	})
}

// readPasted takes lines until one is the redirected URL, or the flow is
// over (the lines then stay for whoever reads them next).
func readPasted(lines <-chan string, done <-chan struct{}, state string, codes chan<- result) {
	for {
		var line string
		select {
		case <-done:
			return
		case l, ok := <-lines:
			if !ok {
				return
			}
			line = strings.TrimSpace(l)
		}
		u, err := url.Parse(line)
		if err != nil || (u.Query().Get("code") == "" && u.Query().Get("error") == "") {
			continue
		}
		select {
		case codes <- codeFrom(u.Query(), state):
		default:
		}
		return
	}
}

// lines reads in line by line into a channel, closed at the end of in;
// one reader per input, so that prompts and a pending sign-in share it.
func lines(in io.Reader) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 0, 4096), 64*1024)
		for sc.Scan() {
			ch <- sc.Text()
		}
	}()
	return ch
}

// codeFrom checks a redirect's query: Tesla's error, the state, the code.
func codeFrom(q url.Values, state string) result {
	switch {
	case q.Get("error") != "":
		return result{err: fmt.Errorf("sign-in refused by Tesla: %s %s", q.Get("error"), q.Get("error_description"))}
	case q.Get("state") != state:
		return result{err: errors.New("sign-in: the answer's state does not match this sign-in (an old or forged link); run the command again")}
	case q.Get("code") == "":
		return result{err: errors.New("sign-in: the answer carries no code")}
	}
	return result{code: q.Get("code")}
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
