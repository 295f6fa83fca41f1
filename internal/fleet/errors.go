package fleet

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Error classes: the one vocabulary of failures for this package and
// package command. Check them with errors.Is; the concrete error types (here
// and command's *Error) carry the details and unwrap to one of these. What a
// surface should do with each class (HTTP status, retry) is the table in
// class.go: see HTTPStatus, Temporary, MayHaveSucceeded and RetryAfter.
var (
	ErrAsleep               = errors.New("vehicle offline or asleep")                  // 408
	ErrRateLimited          = errors.New("rate limited")                               // 429
	ErrTokenExpired         = errors.New("access token expired or invalid")            // 401
	ErrLoginRequired        = errors.New("login required")                             // 401 login_required, dead refresh token
	ErrMobileAccessDisabled = errors.New("mobile access disabled in the vehicle")      // 401 mobile_access_disabled
	ErrMissingScope         = errors.New("missing scope")                              // 403 missing scopes
	ErrSigningRequired      = errors.New("vehicle command protocol required")          // 403 unsigned command to a "required" vehicle, or no key configured
	ErrForbidden            = errors.New("forbidden")                                  // other 403
	ErrNotRegistered        = errors.New("application not registered in this region")  // 412
	ErrWrongRegion          = errors.New("account lives in another region")            // 421
	ErrPaymentRequired      = errors.New("payment required")                           // 402
	ErrLocked               = errors.New("account locked")                             // 423
	ErrDependency           = errors.New("dependency failed")                          // 424 (public key download)
	ErrDeviceUnexpected     = errors.New("device unexpected response")                 // 540
	ErrServer               = errors.New("server error")                               // 5xx (retryable)
	ErrNotFound             = errors.New("not found")                                  // 404
	ErrInvalidRequest       = errors.New("invalid request")                            // 400, 405, 406, 422, local validation (an invalid argument)
	ErrProtocolNotSupported = errors.New("vehicle does not support signed commands")   // 422 on signed_command
	ErrHTTP                 = errors.New("unexpected HTTP status")                     // any other status
	ErrDecode               = errors.New("malformed response")                         // undecodable body
	ErrRefused              = errors.New("command refused by the vehicle")             // result:false, or the car's own refusal (signed)
	ErrNetwork              = errors.New("network error")                              // no HTTP response
	ErrAuth                 = errors.New("token endpoint error")                       // every *AuthError
	ErrUnauthorizedClient   = errors.New("client id and secret not recognised")        // unauthorized_client
	ErrInvalidAuthCode      = errors.New("authorization code invalid or expired")      // invalid_auth_code
	ErrTokenStore           = errors.New("token store failed")                         // TokenStore.Load/Save
	ErrNoToken              = errors.New("no token: log in first")                     // TokenStore has nothing
	ErrHostRejected         = errors.New("base URL is neither configured nor Tesla's") // 421 target refused

	// Classes of sending a command (package command's Commander).
	ErrKeyNotPaired = errors.New("virtual key not paired with the vehicle") // the car does not know our key
	ErrNotSupported = errors.New("command not supported for this vehicle")  // e.g. boombox on a signed-only car
	ErrWakeFailed   = errors.New("waking the vehicle failed")               // wake_up or the state poll failed
	ErrWakeTimeout  = errors.New("vehicle did not come online in time")     // still asleep after the backoff
	ErrBusy         = errors.New("vehicle busy")                            // the car asked us to wait
	ErrTimeout      = errors.New("command timed out")                       // deadline while sending or waiting
	ErrFailed       = errors.New("command failed")                          // anything else
)

// benignReasons are refusals that mean the car is already where we wanted
// it: a command refused with one of them is a success.
var benignReasons = map[string]bool{"already_set": true, "not_charging": true, "requested": true}

// BenignRefusal reports whether a vehicle's refusal reason means the command
// had nothing to do ("already_set", "not_charging", "requested"): callers
// treat such a refusal as success.
func BenignRefusal(reason string) bool { return benignReasons[reason] }

// APIError is a Fleet API answer with a non-2xx status.
type APIError struct {
	Status     int           // HTTP status
	Code       string        // the body's "error" (e.g. "invalid_command", "login_required"), or the text body
	Message    string        // the body's "error_description", when any
	Endpoint   string        // our name of the endpoint, e.g. "vehicle_data", "command/door_lock"
	Method     string        // HTTP method
	Txid       string        // body "txid" or x-txid header
	RetryAfter time.Duration // 429: Retry-After header, else the "Retry in N seconds" text
	// RateLimit-* headers of a 429 (zero when absent).
	RateLimitLimit     int
	RateLimitRemaining int
	RateLimitReset     time.Duration
	class              error
}

func (e *APIError) Error() string {
	msg := e.Code
	if e.Message != "" {
		if msg != "" {
			msg += ": "
		}
		msg += e.Message
	}
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	s := fmt.Sprintf("fleet: %s %s: %d %s", e.Method, e.Endpoint, e.Status, msg)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// Unwrap returns the error's class (ErrAsleep, ErrRateLimited, …).
func (e *APIError) Unwrap() error { return e.class }

// MayHaveSucceeded reports whether the request may have taken effect
// although it failed: a 5xx answer to a POST.
func (e *APIError) MayHaveSucceeded() bool {
	return e.Method == http.MethodPost && e.Status >= 500
}

// DecodeError is a response body we could not decode.
type DecodeError struct {
	Endpoint string
	Method   string // "" for local decoding
	Err      error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("fleet: %s: malformed response: %v", e.Endpoint, e.Err)
}

// Unwrap gives ErrDecode and the underlying JSON error.
func (e *DecodeError) Unwrap() []error { return []error{ErrDecode, e.Err} }

// MayHaveSucceeded reports whether the request may have taken effect: a 2xx
// answer to a POST whose body could not be read.
func (e *DecodeError) MayHaveSucceeded() bool { return e.Method == http.MethodPost }

// ValidationError is a request refused locally, before anything was sent.
type ValidationError struct {
	Command string // command or endpoint
	Field   string // parameter name
	Reason  string
}

func (e *ValidationError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("fleet: %s: %s", e.Command, e.Reason)
	}
	return fmt.Sprintf("fleet: %s: %s %s", e.Command, e.Field, e.Reason)
}

// Unwrap gives the class ErrInvalidRequest.
func (e *ValidationError) Unwrap() error { return ErrInvalidRequest }

// RefusedError is a command the vehicle answered with result:false.
type RefusedError struct {
	Reason string
}

func (e *RefusedError) Error() string {
	if e.Reason == "" {
		return "fleet: command refused without a reason"
	}
	return "fleet: command refused: " + e.Reason
}

// Unwrap gives the class ErrRefused.
func (e *RefusedError) Unwrap() error { return ErrRefused }

// TransportError is a request that got no HTTP response.
type TransportError struct {
	Method   string
	Endpoint string
	Err      error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("fleet: %s %s: %v", e.Method, e.Endpoint, e.Err)
}

// Unwrap gives ErrNetwork and the underlying error (context errors included).
func (e *TransportError) Unwrap() []error { return []error{ErrNetwork, e.Err} }

// MayHaveSucceeded reports whether a POST may have reached the server: true
// unless the connection was never made.
func (e *TransportError) MayHaveSucceeded() bool {
	if e.Method != http.MethodPost {
		return false
	}
	var op *net.OpError
	if errors.As(e.Err, &op) && op.Op == "dial" {
		return false
	}
	return true
}

// AuthError is a failed call to the OAuth token endpoint.
type AuthError struct {
	Status      int
	Code        string // OAuth "error", e.g. "login_required", "unauthorized_client"
	Description string
	class       error
}

func (e *AuthError) Error() string {
	s := fmt.Sprintf("fleet: token endpoint: %d %s", e.Status, e.Code)
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// Unwrap gives ErrAuth and the specific class.
func (e *AuthError) Unwrap() []error { return []error{ErrAuth, e.class} }
