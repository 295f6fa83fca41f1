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

// errNoKey is the cause under fleet.ErrSigningRequired when the vehicle needs
// signed commands and no private key is configured.
var errNoKey = errors.New("no private key configured for signed commands")

// Error is a failed command: its class, cause and details. Its class is one
// of package fleet's (fleet.ErrRefused, fleet.ErrWakeTimeout, …), so
// errors.Is(err, fleet.ErrX) and fleet's HTTPStatus, Temporary,
// MayHaveSucceeded and RetryAfter answer for what Send and SendSite return.
type Error struct {
	Op         string        // command name, "wake_up" or the energy command
	VIN        string        // vehicle (empty for energy commands)
	Class      error         // a fleet class: fleet.ErrRefused, fleet.ErrAsleep, …
	Err        error         // the cause (a fleet or SDK error), may be nil
	Reason     string        // the car's reason, for fleet.ErrRefused
	PairingURL string        // https://tesla.com/_ak/<domain>, for fleet.ErrKeyNotPaired
	RetryAfter time.Duration // for fleet.ErrRateLimited, when the server said (as fleet.RetryAfter)
	Maybe      bool          // the command may have run (fleet.MayHaveSucceeded)
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
	case e.Err != nil && e.Err != e.Class:
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

// MayHaveSucceeded reports whether the command may still have been executed
// by the car (a 5xx on the command request, a deadline after it was sent, an
// unreadable reply); false means it certainly did not run. It is what
// fleet.MayHaveSucceeded reads: the outermost *Error decides.
func (e *Error) MayHaveSucceeded() bool { return e.Maybe }

// PairingURL is the link that pairs the app's key with a car in the Tesla app.
func PairingURL(domain string) string {
	if domain == "" {
		return ""
	}
	return "https://tesla.com/_ak/" + domain
}

func invalid(op, format string, args ...any) *Error {
	return &Error{Op: op, Class: fleet.ErrInvalidRequest, Err: fmt.Errorf(format, args...)}
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
	e := &Error{Op: op, VIN: vin, Class: fleet.ErrFailed, Err: err}
	var (
		nominal *protocol.NominalError
		vcsec   *protocol.NominalVCSECError
		rme     *protocol.RoutableMessageError
		refused *fleet.RefusedError
		badReq  *fleet.ValidationError
	)
	switch {
	case errors.As(err, &badReq): // refused by fleet before sending
		e.Class = fleet.ErrInvalidRequest
		return e
	case errors.Is(err, protocol.ErrKeyNotPaired):
		e.Class, e.PairingURL = fleet.ErrKeyNotPaired, PairingURL(c.cfg.Domain)
	case errors.Is(err, errNoKey), errors.Is(err, fleet.ErrSigningRequired):
		e.Class = fleet.ErrSigningRequired
	case errors.Is(err, fleet.ErrMissingScope):
		e.Class = fleet.ErrMissingScope
	case errors.Is(err, fleet.ErrAsleep):
		e.Class = fleet.ErrAsleep
	case errors.Is(err, fleet.ErrRateLimited):
		e.Class, e.RetryAfter = fleet.ErrRateLimited, fleet.RetryAfter(err)
	case errors.Is(err, protocol.ErrProtocolNotSupported), errors.Is(err, fleet.ErrProtocolNotSupported):
		e.Class = fleet.ErrNotSupported
	case errors.As(err, &refused):
		e.Class, e.Reason = fleet.ErrRefused, refused.Reason
	case errors.As(err, &vcsec):
		e.Class, e.Reason = fleet.ErrRefused, vcsec.Details.GetGenericError().String()
	case errors.As(err, &nominal):
		e.Class, e.Reason = fleet.ErrRefused, nominalReason(nominal)
	case errors.Is(err, protocol.ErrBusy):
		e.Class = fleet.ErrBusy
	case errors.As(err, &rme) && rme.Code == universal.MessageFault_E_MESSAGEFAULT_ERROR_BUSY:
		e.Class = fleet.ErrBusy
	case errors.Is(err, context.DeadlineExceeded):
		e.Class = fleet.ErrTimeout
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		e.Maybe = sent
	}
	if sent && fleet.MayHaveSucceeded(err) {
		e.Maybe = true
	}
	if e.Class == fleet.ErrRefused && fleet.BenignRefusal(e.Reason) {
		return nil
	}
	return e
}

// nominalReason extracts the car's own words from the SDK's NominalError
// ("car could not execute command: <reason>"): v0.4.1 keeps the reason only
// in that message, so this is the one place a reason is read from text.
func nominalReason(n *protocol.NominalError) string {
	const prefix = "car could not execute command: "
	return strings.TrimPrefix(n.Error(), prefix)
}
