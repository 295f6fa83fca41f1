package fleet

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// What a surface needs to know about each error class, in one table.
//
// Status is the HTTP status our own REST surface answers for the class (not
// Tesla's status, which APIError keeps). Temporary says that sending the same
// request again later, with no user action, may succeed; check
// MayHaveSucceeded first, since a command that may have run must not be sent
// blindly again.
//
//	class                     status  temporary  why
//	ErrInvalidRequest         400     no         refused before sending, or Tesla said the request is malformed
//	ErrInvalidAuthCode        400     no         the login's code is wrong or stale
//	ErrTokenExpired           401     yes        the client refreshes the token
//	ErrLoginRequired          401     no         the user must log in again
//	ErrNoToken                401     no         the user must log in first
//	ErrPaymentRequired        402     no
//	ErrMissingScope           403     no         the user must grant the scope
//	ErrForbidden              403     no
//	ErrMobileAccessDisabled   403     no         the owner must allow mobile access in the car
//	ErrSigningRequired        403     no         the car needs signed commands and we have no key
//	ErrKeyNotPaired           403     no         the owner must pair our key (see command's PairingURL)
//	ErrNotFound               404     no
//	ErrRefused                409     no         the car said no in its current state (see the reason)
//	ErrNotSupported           422     no         this car cannot do this command
//	ErrProtocolNotSupported   422     no         the car predates signed commands
//	ErrLocked                 423     no         Tesla locked the account
//	ErrRateLimited            429     yes        see RetryAfter
//	ErrFailed                 500     no         a command failed for a reason we cannot tell (only when no cause has a class)
//	ErrTokenStore             500     no         our own storage
//	ErrUnauthorizedClient     500     no         our own client id/secret
//	ErrHostRejected           500     no         our own configuration
//	ErrServer                 502     yes        Tesla's 5xx
//	ErrDeviceUnexpected       502     yes        Tesla's 540
//	ErrNetwork                502     yes        no answer from Tesla
//	ErrDecode                 502     no         Tesla's answer was unreadable
//	ErrHTTP                   502     no         an undocumented status from Tesla
//	ErrDependency             502     no         Tesla could not fetch our public key
//	ErrNotRegistered          502     no         the app is not registered in the account's region
//	ErrWrongRegion            502     yes        the next request goes to the right region
//	ErrWakeFailed             502     yes        waking failed for a reason we cannot tell (only when no cause has a class)
//	ErrAuth                   502     no         the token endpoint failed (only when no cause has a class)
//	ErrBusy                   503     yes        the car asked us to wait
//	ErrAsleep                 504     yes        the car did not answer: wake it and send again
//	ErrWakeTimeout            504     yes        the car did not come online in time
//	ErrTimeout                504     yes        our deadline passed while sending or waiting
//	context.DeadlineExceeded  504     yes
//	(no class)                500     no
//
// 504 rather than 408 for a sleeping car: 408 tells a client that it was
// too slow sending its own request, while 504 says the upstream (Tesla, the
// car) did not answer in time.
var classTable = []classRow{
	{ErrInvalidRequest, http.StatusBadRequest, false, false, "invalid_request"},
	{ErrInvalidAuthCode, http.StatusBadRequest, false, false, "invalid_auth_code"},
	{ErrTokenExpired, http.StatusUnauthorized, true, false, "token_expired"},
	{ErrLoginRequired, http.StatusUnauthorized, false, false, "login_required"},
	{ErrNoToken, http.StatusUnauthorized, false, false, "no_token"},
	{ErrPaymentRequired, http.StatusPaymentRequired, false, false, "payment_required"},
	{ErrMissingScope, http.StatusForbidden, false, false, "missing_scope"},
	{ErrForbidden, http.StatusForbidden, false, false, "forbidden"},
	{ErrMobileAccessDisabled, http.StatusForbidden, false, false, "mobile_access_disabled"},
	{ErrSigningRequired, http.StatusForbidden, false, false, "signing_required"},
	{ErrKeyNotPaired, http.StatusForbidden, false, false, "key_not_paired"},
	{ErrNotFound, http.StatusNotFound, false, false, "not_found"},
	{ErrRefused, http.StatusConflict, false, false, "refused"},
	{ErrNotSupported, http.StatusUnprocessableEntity, false, false, "not_supported"},
	{ErrProtocolNotSupported, http.StatusUnprocessableEntity, false, false, "protocol_not_supported"},
	{ErrLocked, http.StatusLocked, false, false, "locked"},
	{ErrRateLimited, http.StatusTooManyRequests, true, false, "rate_limited"},
	{ErrFailed, http.StatusInternalServerError, false, true, "failed"},
	{ErrTokenStore, http.StatusInternalServerError, false, false, "token_store"},
	{ErrUnauthorizedClient, http.StatusInternalServerError, false, false, "unauthorized_client"},
	{ErrHostRejected, http.StatusInternalServerError, false, false, "host_rejected"},
	{ErrServer, http.StatusBadGateway, true, false, "server"},
	{ErrDeviceUnexpected, http.StatusBadGateway, true, false, "device_unexpected"},
	{ErrNetwork, http.StatusBadGateway, true, false, "network"},
	{ErrDecode, http.StatusBadGateway, false, false, "decode"},
	{ErrHTTP, http.StatusBadGateway, false, false, "http"},
	{ErrDependency, http.StatusBadGateway, false, false, "dependency"},
	{ErrNotRegistered, http.StatusBadGateway, false, false, "not_registered"},
	{ErrWrongRegion, http.StatusBadGateway, true, false, "wrong_region"},
	{ErrWakeFailed, http.StatusBadGateway, true, true, "wake_failed"},
	{ErrAuth, http.StatusBadGateway, false, true, "auth"},
	{ErrBusy, http.StatusServiceUnavailable, true, false, "busy"},
	{ErrAsleep, http.StatusGatewayTimeout, true, false, "asleep"},
	{ErrWakeTimeout, http.StatusGatewayTimeout, true, false, "wake_timeout"},
	{ErrTimeout, http.StatusGatewayTimeout, true, false, "timeout"},
	{context.DeadlineExceeded, http.StatusGatewayTimeout, true, false, "deadline_exceeded"},
}

// classRow is one row of classTable.
type classRow struct {
	class     error
	status    int
	temporary bool
	// generic classes (ErrFailed, ErrWakeFailed, ErrAuth) say only that
	// something failed: a class found further down the chain wins.
	generic bool
	// name is the class's short snake_case name (a metrics label).
	name string
}

// unknownClass answers for an error with no class.
var unknownClass = classRow{status: http.StatusInternalServerError, name: "unclassified"}

// ClassOf returns the class of err: the first error of classTable met
// walking err's chain depth-first (as errors.Is does), preferring a
// specific class to a generic one (ErrFailed, ErrWakeFailed, ErrAuth) —
// so a failed wake caused by a rate limit is ErrRateLimited. nil when err
// has no class (or is nil).
func ClassOf(err error) error {
	if r, ok := classify(err); ok {
		return r.class
	}
	return nil
}

// ClassName is the short snake_case name of err's class ("asleep",
// "rate_limited", "refused", …; the class table's order), for labels that
// must stay few: "unclassified" for an error without a class, "" for nil.
func ClassName(err error) string {
	if err == nil {
		return ""
	}
	r, _ := classify(err)
	return r.name
}

// HTTPStatus is the status our REST surface answers for err (see the table
// above); 500 for an error without a class, 200 for nil.
func HTTPStatus(err error) int {
	if err == nil {
		return http.StatusOK
	}
	r, _ := classify(err)
	return r.status
}

// Temporary reports whether the same request may succeed later without any
// user action (asleep, rate limited, busy, Tesla's 5xx, network, timeouts).
func Temporary(err error) bool {
	r, _ := classify(err)
	return r.temporary
}

// MayHaveSucceeded reports whether a failed request may still have taken
// effect on the vehicle or site: a 5xx answer to a POST, a POST that got no
// answer or an unreadable 2xx answer, a command whose deadline passed after
// it was sent. Callers must then check state rather than resend blindly.
// The outermost error in the chain that knows (has a MayHaveSucceeded()
// bool method: fleet's and command's errors, the vehicle-command SDK's)
// decides; false when none does.
func MayHaveSucceeded(err error) bool {
	var m interface{ MayHaveSucceeded() bool }
	return errors.As(err, &m) && m.MayHaveSucceeded()
}

// RetryAfter returns how long Tesla asked us to wait (a 429's Retry-After),
// or 0 when it did not say.
func RetryAfter(err error) time.Duration {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.RetryAfter
	}
	return 0
}

// classify finds err's row (see ClassOf).
func classify(err error) (classRow, bool) {
	var generic *classRow
	found := walk(err, func(e error) bool {
		r := rowOf(e)
		if r == nil {
			return false
		}
		if r.generic {
			if generic == nil {
				generic = r
			}
			return false
		}
		generic = r // the specific row wins
		return true
	})
	switch {
	case found:
		return *generic, true
	case generic != nil:
		return *generic, true
	}
	return unknownClass, false
}

// rowOf is e's row when e is itself a class.
func rowOf(e error) *classRow {
	for i := range classTable {
		// == is safe: a class is comparable, and == between interfaces of
		// different dynamic types is false without comparing values.
		if classTable[i].class == e {
			return &classTable[i]
		}
	}
	return nil
}

// walk visits err's chain depth-first, as errors.Is does, until visit says stop.
func walk(err error, visit func(error) bool) bool {
	for err != nil {
		if visit(err) {
			return true
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				if walk(e, visit) {
					return true
				}
			}
			return false
		default:
			return false
		}
	}
	return false
}
