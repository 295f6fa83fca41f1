package command

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Error classes. Check them with errors.Is; use errors.As with *Error for the
// details (reason, pairing link, Retry-After).
var (
	ErrInvalidArgument = errors.New("invalid argument")                              // refused before anything was sent
	ErrNotSupported    = errors.New("command not supported for this vehicle")        // e.g. boombox on a signed-only car
	ErrKeyNotPaired    = errors.New("virtual key not paired with the vehicle")       // the car does not know our key
	ErrSigningRequired = errors.New("vehicle requires signed commands")              // REST refused, or no key configured
	ErrMissingScope    = errors.New("missing OAuth scope")                           // 403 missing scopes
	ErrAsleep          = errors.New("vehicle is asleep or offline")                  // 408
	ErrWakeFailed      = errors.New("waking the vehicle failed")                     // wake_up or the state poll failed
	ErrWakeTimeout     = errors.New("vehicle did not come online in time")           // still asleep after the backoff
	ErrRateLimited     = errors.New("rate limited")                                  // 429; see RetryAfter
	ErrBusy            = errors.New("vehicle busy")                                  // the car asked us to wait
	ErrRefused         = errors.New("vehicle refused the command")                   // the car said no; see Reason
	ErrTimeout         = errors.New("command timed out")                             // deadline while sending or waiting
	ErrFailed          = errors.New("command failed")                                // anything else
	errNoKey           = errors.New("no private key configured for signed commands") // cause under ErrSigningRequired
)

// benignReasons are refusals that mean the car is already where we wanted it.
var benignReasons = map[string]bool{"already_set": true, "not_charging": true, "requested": true}

// Error is a failed command: its class, cause and details.
type Error struct {
	Op         string        // command name, "wake_up" or the energy command
	VIN        string        // vehicle (empty for energy commands)
	Class      error         // one of the Err* classes above
	Err        error         // the cause (a fleet or SDK error), may be nil
	Reason     string        // the car's reason, for ErrRefused
	PairingURL string        // https://tesla.com/_ak/<domain>, for ErrKeyNotPaired
	RetryAfter time.Duration // for ErrRateLimited, when the server said
	Maybe      bool          // the command may have run (see MayHaveSucceeded)
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.VIN != "" {
		b.WriteString(" " + e.VIN)
	}
	b.WriteString(": " + e.detail())
	return b.String()
}

// detail is the message without the operation and VIN.
func (e *Error) detail() string {
	var b strings.Builder
	b.WriteString(e.Class.Error())
	var inner *Error
	switch {
	case e.Reason != "":
		b.WriteString(": " + e.Reason)
	case errors.As(e.Err, &inner):
		b.WriteString(": " + inner.detail())
	case e.Err != nil && e.Err.Error() != e.Class.Error():
		b.WriteString(": " + e.Err.Error())
	}
	if e.PairingURL != "" {
		b.WriteString("; pair the key by opening " + e.PairingURL + " in the Tesla app near the car")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, "; retry after %s", e.RetryAfter)
	}
	if e.Maybe {
		b.WriteString(" (the command may have run)")
	}
	return b.String()
}

// Unwrap exposes both the class and the cause to errors.Is and errors.As.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Class}
	}
	return []error{e.Class, e.Err}
}

// MayHaveSucceeded reports whether a failed command may still have been
// executed by the car (a 5xx on the command request, a deadline after it was
// sent, an unreadable reply). False means it certainly did not run.
func MayHaveSucceeded(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Maybe
	}
	return false
}

// RetryAfter returns how long the server asked us to wait (0 if unknown).
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return e.RetryAfter
	}
	return fleet.RetryAfter(err)
}

// PairingURL is the link that pairs the app's key with a car in the Tesla app.
func PairingURL(domain string) string {
	if domain == "" {
		return ""
	}
	return "https://tesla.com/_ak/" + domain
}

func invalid(op, format string, args ...any) *Error {
	return &Error{Op: op, Class: ErrInvalidArgument, Err: fmt.Errorf(format, args...)}
}

// classify maps a fleet or SDK error to an *Error. sent says whether the
// command itself (not just a handshake or wake) had been handed to the
// network, which decides whether a deadline or 5xx "may have succeeded".
func (c *Commander) classify(op, vin string, err error, sent bool) error {
	if err == nil {
		return nil
	}
	var have *Error
	if errors.As(err, &have) {
		return err
	}
	e := &Error{Op: op, VIN: vin, Class: ErrFailed, Err: err}
	var (
		nominal *protocol.NominalError
		vcsec   *protocol.NominalVCSECError
		rme     *protocol.RoutableMessageError
		refused *fleet.RefusedError
		badReq  *fleet.ValidationError
	)
	switch {
	case errors.As(err, &badReq): // refused by fleet before sending
		e.Class = ErrInvalidArgument
		return e
	case errors.Is(err, protocol.ErrKeyNotPaired):
		e.Class, e.PairingURL = ErrKeyNotPaired, PairingURL(c.cfg.Domain)
	case errors.Is(err, errNoKey), errors.Is(err, fleet.ErrSigningRequired):
		e.Class = ErrSigningRequired
	case errors.Is(err, fleet.ErrMissingScope):
		e.Class = ErrMissingScope
	case errors.Is(err, fleet.ErrAsleep):
		e.Class = ErrAsleep
	case errors.Is(err, fleet.ErrRateLimited):
		e.Class, e.RetryAfter = ErrRateLimited, RetryAfter(err)
	case errors.Is(err, protocol.ErrProtocolNotSupported), errors.Is(err, fleet.ErrProtocolNotSupported):
		e.Class = ErrNotSupported
	case errors.As(err, &refused):
		e.Class, e.Reason = ErrRefused, refused.Reason
	case errors.As(err, &vcsec):
		e.Class, e.Reason = ErrRefused, vcsec.Details.GetGenericError().String()
	case errors.As(err, &nominal):
		e.Class, e.Reason = ErrRefused, nominalReason(nominal)
	case errors.Is(err, protocol.ErrBusy):
		e.Class = ErrBusy
	case errors.As(err, &rme) && rme.Code == universal.MessageFault_E_MESSAGEFAULT_ERROR_BUSY:
		e.Class = ErrBusy
	case errors.Is(err, context.DeadlineExceeded):
		e.Class = ErrTimeout
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		e.Maybe = sent
	}
	if sent && (fleet.MayHaveSucceeded(err) || maybeSDK(err)) {
		e.Maybe = true
	}
	if e.Class == ErrRefused && benignReasons[e.Reason] {
		return nil
	}
	return e
}

// maybeSDK finds a "may have succeeded" mark anywhere in the chain
// (protocol.MayHaveSucceeded only looks at the outermost error).
func maybeSDK(err error) bool {
	var pe protocol.Error
	return errors.As(err, &pe) && pe.MayHaveSucceeded()
}

// nominalReason extracts the car's own words from the SDK's NominalError
// ("car could not execute command: <reason>").
func nominalReason(n *protocol.NominalError) string {
	const prefix = "car could not execute command: "
	return strings.TrimPrefix(n.Error(), prefix)
}
