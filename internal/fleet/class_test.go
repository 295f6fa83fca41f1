package fleet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"testing"
	"time"
)

// classed is a wrapper like package command's *Error: a class first, then
// the cause, and its own word on whether the request may have run.
type classed struct {
	class, cause error
	maybe        bool
}

func (e *classed) Error() string          { return e.class.Error() }
func (e *classed) Unwrap() []error        { return []error{e.class, e.cause} }
func (e *classed) MayHaveSucceeded() bool { return e.maybe }

// TestErrorAnswers: each class gives the status our REST surface answers
// and whether trying again later may work, walking the whole chain.
func TestErrorAnswers(t *testing.T) {
	api := func(status int, class error) error {
		return &APIError{Status: status, Method: http.MethodPost, Endpoint: "command/x", class: class}
	}
	for _, tc := range []struct {
		name      string
		err       error
		class     error
		status    int
		temporary bool
	}{
		{"nil", nil, nil, http.StatusOK, false},
		{"unknown", errors.New("boom"), nil, http.StatusInternalServerError, false},
		{"validation", &ValidationError{Command: "set_charge_limit", Field: "percent", Reason: "too high"}, ErrInvalidRequest, 400, false},
		{"Tesla 400", api(400, ErrInvalidRequest), ErrInvalidRequest, 400, false},
		{"token expired", api(401, ErrTokenExpired), ErrTokenExpired, 401, true},
		{"login required", &AuthError{Status: 401, Code: "login_required", class: ErrLoginRequired}, ErrLoginRequired, 401, false},
		{"no token", ErrNoToken, ErrNoToken, 401, false},
		{"missing scope", api(403, ErrMissingScope), ErrMissingScope, 403, false},
		{"forbidden", api(403, ErrForbidden), ErrForbidden, 403, false},
		{"signing required", api(403, ErrSigningRequired), ErrSigningRequired, 403, false},
		{"key not paired", &classed{class: ErrKeyNotPaired, cause: errors.New("sdk")}, ErrKeyNotPaired, 403, false},
		{"not found", api(404, ErrNotFound), ErrNotFound, 404, false},
		{"refused", &RefusedError{Reason: "is_charging"}, ErrRefused, 409, false},
		{"not supported", &classed{class: ErrNotSupported, cause: api(422, ErrProtocolNotSupported)}, ErrNotSupported, 422, false},
		{"protocol not supported", api(422, ErrProtocolNotSupported), ErrProtocolNotSupported, 422, false},
		{"rate limited", api(429, ErrRateLimited), ErrRateLimited, 429, true},
		{"server", api(503, ErrServer), ErrServer, 502, true},
		{"540", api(540, ErrDeviceUnexpected), ErrDeviceUnexpected, 502, true},
		{"network", &TransportError{Method: "GET", Endpoint: "vehicle_data", Err: errors.New("reset")}, ErrNetwork, 502, true},
		{"decode", &DecodeError{Endpoint: "vehicle_data", Err: errors.New("eof")}, ErrDecode, 502, false},
		{"busy", &classed{class: ErrBusy, cause: errors.New("sdk busy")}, ErrBusy, 503, true},
		{"asleep", api(408, ErrAsleep), ErrAsleep, 504, true},
		{"wake timeout", &classed{class: ErrWakeTimeout, cause: errors.New("still asleep")}, ErrWakeTimeout, 504, true},
		{"timeout", &classed{class: ErrTimeout, cause: context.DeadlineExceeded}, ErrTimeout, 504, true},
		{"bare deadline", fmt.Errorf("waiting: %w", context.DeadlineExceeded), context.DeadlineExceeded, 504, true},
		{"failed, cause unknown", &classed{class: ErrFailed, cause: errors.New("?")}, ErrFailed, 500, false},
		{"failed by a 5xx", &classed{class: ErrFailed, cause: api(500, ErrServer)}, ErrServer, 502, true},
		{"wake failed, cause unknown", &classed{class: ErrWakeFailed, cause: errors.New("?")}, ErrWakeFailed, 502, true},
		{"wake failed by a rate limit", &classed{class: ErrWakeFailed, cause: &classed{class: ErrRateLimited, cause: api(429, ErrRateLimited)}}, ErrRateLimited, 429, true},
		{"wake failed by a missing scope", &classed{class: ErrWakeFailed, cause: api(403, ErrMissingScope)}, ErrMissingScope, 403, false},
		{"auth, server", &AuthError{Status: 503, class: ErrServer}, ErrServer, 502, true},
		{"auth, unknown", &AuthError{Status: 418, class: ErrAuth}, ErrAuth, 502, false},
		{"token store", fmt.Errorf("%w: load: %w", ErrTokenStore, errors.New("disk")), ErrTokenStore, 500, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ClassOf(tc.err); got != tc.class {
				t.Errorf("ClassOf = %v, want %v", got, tc.class)
			}
			if got := HTTPStatus(tc.err); got != tc.status {
				t.Errorf("HTTPStatus = %d, want %d", got, tc.status)
			}
			if got := Temporary(tc.err); got != tc.temporary {
				t.Errorf("Temporary = %v, want %v", got, tc.temporary)
			}
		})
	}
}

// Every class has a row, so no class answers "unknown".
func TestEveryClassHasARow(t *testing.T) {
	for _, c := range []error{
		ErrAsleep, ErrRateLimited, ErrTokenExpired, ErrLoginRequired, ErrMobileAccessDisabled, ErrMissingScope,
		ErrSigningRequired, ErrForbidden, ErrNotRegistered, ErrWrongRegion, ErrPaymentRequired, ErrLocked,
		ErrDependency, ErrDeviceUnexpected, ErrServer, ErrNotFound, ErrInvalidRequest, ErrProtocolNotSupported,
		ErrHTTP, ErrDecode, ErrRefused, ErrNetwork, ErrAuth, ErrUnauthorizedClient, ErrInvalidAuthCode,
		ErrTokenStore, ErrNoToken, ErrHostRejected, ErrKeyNotPaired, ErrNotSupported, ErrWakeFailed,
		ErrWakeTimeout, ErrBusy, ErrTimeout, ErrFailed,
	} {
		if ClassOf(c) != c {
			t.Errorf("%v: no row", c)
		}
	}
}

func TestMayHaveSucceeded(t *testing.T) {
	dial := &net.OpError{Op: "dial", Err: errors.New("refused")}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", errors.New("x"), false},
		{"5xx to a POST", &APIError{Status: 500, Method: http.MethodPost, class: ErrServer}, true},
		{"5xx to a GET", &APIError{Status: 500, Method: http.MethodGet, class: ErrServer}, false},
		{"4xx to a POST", &APIError{Status: 408, Method: http.MethodPost, class: ErrAsleep}, false},
		{"POST without an answer", &TransportError{Method: http.MethodPost, Err: context.DeadlineExceeded}, true},
		{"POST never connected", &TransportError{Method: http.MethodPost, Err: dial}, false},
		{"unreadable 2xx to a POST", &DecodeError{Method: http.MethodPost, Err: errors.New("eof")}, true},
		{"unreadable GET", &DecodeError{Method: http.MethodGet, Err: errors.New("eof")}, false},
		{"wrapped", fmt.Errorf("sending: %w", &APIError{Status: 502, Method: http.MethodPost, class: ErrServer}), true},
		// The outermost error that knows decides: a 5xx on a handshake,
		// before the command itself was sent, did not run the command.
		{"outer says no", &classed{class: ErrFailed, cause: &APIError{Status: 500, Method: http.MethodPost, class: ErrServer}}, false},
		{"outer says yes", &classed{class: ErrTimeout, cause: context.DeadlineExceeded, maybe: true}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MayHaveSucceeded(tc.err); got != tc.want {
				t.Errorf("MayHaveSucceeded = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRetryAfterAndBenignRefusals(t *testing.T) {
	ae := &APIError{Status: 429, Method: http.MethodGet, RetryAfter: 30 * time.Second, class: ErrRateLimited}
	for _, tc := range []struct {
		name string
		err  error
		want time.Duration
	}{
		{"429", ae, 30 * time.Second},
		{"wrapped 429", &classed{class: ErrWakeFailed, cause: ae}, 30 * time.Second},
		{"other", api500(), 0},
		{"nil", nil, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := RetryAfter(tc.err); got != tc.want {
				t.Errorf("RetryAfter = %v, want %v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		reason string
		benign bool
	}{
		{"already_set", true}, {"not_charging", true}, {"requested", true},
		{"is_charging", false}, {"disconnected", false}, {"cabin comfort remote settings not enabled", false}, {"", false},
	} {
		t.Run("reason "+tc.reason, func(t *testing.T) {
			if BenignRefusal(tc.reason) != tc.benign {
				t.Errorf("BenignRefusal(%q) = %v", tc.reason, !tc.benign)
			}
			err := CommandResult{Result: false, Reason: tc.reason}.Err()
			if (err == nil) != tc.benign || (err != nil && !errors.Is(err, ErrRefused)) {
				t.Errorf("CommandResult.Err() = %v", err)
			}
		})
	}
}

func api500() error { return &APIError{Status: 500, Method: http.MethodPost, class: ErrServer} }

// Each class has its own short snake_case name, and a wrapped error is
// named by the class that wins (a specific one over a generic one).
func TestClassName(t *testing.T) {
	seen := map[string]error{}
	valid := regexp.MustCompile(`^[a-z][a-z_]*$`)
	for _, r := range classTable {
		if !valid.MatchString(r.name) {
			t.Errorf("%v: name %q is not snake_case", r.class, r.name)
		}
		if other, dup := seen[r.name]; dup {
			t.Errorf("%v and %v are both %q", r.class, other, r.name)
		}
		seen[r.name] = r.class
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{errors.New("no class"), "unclassified"},
		{&APIError{Status: 408, class: ErrAsleep}, "asleep"},
		{&classed{class: ErrWakeFailed, cause: &APIError{Status: 429, class: ErrRateLimited}}, "rate_limited"},
		{&classed{class: ErrWakeFailed, cause: errors.New("?")}, "wake_failed"},
		{&TransportError{Err: errors.New("reset")}, "network"},
		{fmt.Errorf("send: %w", context.DeadlineExceeded), "deadline_exceeded"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := ClassName(tc.err); got != tc.want {
				t.Errorf("ClassName(%v) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}
