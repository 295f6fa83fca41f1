package sim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/teslafleet/teslafleet/internal/sim/oauth"
	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// maxBody caps request bodies of the Fleet API routes.
const maxBody = 64 << 10

// call is one authenticated Fleet API request as handlers see it.
type call struct {
	w       http.ResponseWriter
	r       *http.Request
	p       oauth.Principal
	account string // account id of a user token; "" for partner tokens
	vin     string // resolved {tag}
	site    int64  // parsed {id}
	body    []byte
}

func (c *call) hasScope(s string) bool { return slices.Contains(c.p.Scopes, s) }

// api wraps a route handler in the Fleet API chain: authentication, partner
// registration (412), region (421), body checks (406/413), scopes (403),
// vehicle/site resolution (404), rate limit (429), then billing.
func (h *regionHandler) api(rt *route) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		c, billable, err := h.prepare(rec, r, rt)
		if err == nil {
			err = rt.handle(h, c)
		}
		if err != nil {
			writeError(rec, h.c.log, err)
		}
		if billable && rec.status < 500 {
			h.c.billing.add(rt.category, c.vin, c.site)
		}
		h.c.log.Debug("sim: request", "region", h.region, "method", r.Method, "path", r.URL.Path,
			"status", rec.status, "duration", time.Since(start))
	}
}

// prepare runs the checks before the handler. billable reports whether the
// request got far enough (an identified caller in the right region) to be
// metered.
func (h *regionHandler) prepare(w http.ResponseWriter, r *http.Request, rt *route) (*call, bool, error) {
	p, err := h.c.auth.Authenticate(r)
	switch {
	case err == nil:
	case errors.Is(err, oauth.ErrMissingToken):
		return nil, false, &apiError{Status: http.StatusUnauthorized, NoBody: true}
	case errors.Is(err, oauth.ErrTokenExpired):
		return nil, false, &apiError{Status: http.StatusUnauthorized, Code: msgTokenExpired, Bare: true}
	default:
		return nil, false, &apiError{Status: http.StatusUnauthorized, Code: msgInvalidToken, Bare: true}
	}
	c := &call{w: w, r: r, p: p}
	if rt.partner {
		if !p.Partner {
			return nil, false, newError(http.StatusForbidden, msgExpectedPartner, "")
		}
	} else if _, ok := h.c.partners.lookup(h.region, p.ClientID); !ok && !h.c.publicApp(p.ClientID) {
		return nil, false, &apiError{Status: http.StatusPreconditionFailed, Bare: true,
			Code: fmt.Sprintf("Account %s must be registered in the current region %s, please see https://developer.tesla.com/docs/fleet-api/endpoints/partner-endpoints#register",
				p.ClientID, h.c.BaseURL(h.region))}
	}
	if !p.Partner {
		acct, ok := h.c.world.Account(p.Subject)
		if !ok {
			return nil, false, &apiError{Status: http.StatusUnauthorized, Code: msgInvalidToken, Bare: true}
		}
		if acct.Region != h.region {
			base := h.c.BaseURL(acct.Region)
			return nil, false, &apiError{Status: http.StatusMisdirectedRequest,
				Code:   fmt.Sprintf("user out of region, use base URL: %s, see https://developer.tesla.com/docs/fleet-api#regions", base),
				Header: map[string]string{"Alt-Svc": "h2=" + base}}
		}
		c.account = acct.ID
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return c, true, errInvalidRequest("unreadable body")
		}
		if len(body) > maxBody {
			return c, true, newError(http.StatusRequestEntityTooLarge, "request_too_large", fmt.Sprintf("body exceeds %d bytes", maxBody))
		}
		if len(body) > 0 && !isJSON(r.Header.Get("Content-Type")) {
			return c, true, newError(http.StatusNotAcceptable, "not_a_JSON_request", "")
		}
		c.body = body
	}
	if need := rt.scopesFor(r); len(need) > 0 && !slices.ContainsFunc(need, c.hasScope) {
		return c, true, errMissingScopes()
	}
	if tag := r.PathValue("tag"); tag != "" {
		vin, err := h.c.world.VIN(c.account, tag)
		if err != nil {
			return c, true, err
		}
		c.vin = vin
	}
	if id := r.PathValue("id"); id != "" {
		// Only a site of the caller's account is metered by id, so that
		// made-up ids cannot grow the billing table.
		site, err := strconv.ParseInt(id, 10, 64)
		if err != nil || !h.c.world.HasSite(c.account, site) {
			return c, true, world.ErrNotFound
		}
		c.site = site
	}
	if limit := rateLimits[rt.category]; limit > 0 && c.vin != "" {
		key := c.account + "|" + c.vin + "|" + rt.category
		if c.account == "" {
			key = p.Subject + "|" + c.vin + "|" + rt.category
		}
		if err := h.c.limiter.take(w, key, limit); err != nil {
			return c, true, err
		}
	}
	return c, true, nil
}

// publicApp reports whether the client is an open-source (PKCE) app. Such
// apps cannot get partner tokens, so cannot register; they are exempt from
// the 412 check.
func (c *Cloud) publicApp(clientID string) bool {
	a, ok := c.auth.App(clientID)
	return ok && a.Public
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}

// decode parses the call's JSON body into v (an empty body leaves v alone).
func (c *call) decode(v any) error {
	if len(c.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(c.body, v); err != nil {
		return errInvalidRequest(err.Error())
	}
	return nil
}

// statusRecorder remembers the status written.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// keepSemicolons lets Tesla's "endpoints=a;b" through without net/http's
// warning: the raw query is restored for the handlers, which parse it
// themselves where a semicolon matters.
func keepSemicolons(next http.Handler) http.Handler {
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if q, ok := r.Context().Value(rawQueryKey{}).(string); ok {
			r.URL.RawQuery = q
		}
		next.ServeHTTP(w, r)
	})
	allow := http.AllowQuerySemicolons(inner)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.RawQuery, ";") {
			r = r.WithContext(context.WithValue(r.Context(), rawQueryKey{}, r.URL.RawQuery))
			allow.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

type rawQueryKey struct{}
