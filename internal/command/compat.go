package command

import (
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Former names of the error classes, kept so that code written against them
// (internal/entity) still builds: they are fleet's classes, the same values,
// not a second vocabulary. New code uses fleet's names, and fleet's
// MayHaveSucceeded and RetryAfter; these go once no caller is left.
var (
	ErrInvalidArgument = fleet.ErrInvalidRequest
	ErrNotSupported    = fleet.ErrNotSupported
	ErrKeyNotPaired    = fleet.ErrKeyNotPaired
	ErrSigningRequired = fleet.ErrSigningRequired
	ErrMissingScope    = fleet.ErrMissingScope
	ErrAsleep          = fleet.ErrAsleep
	ErrWakeFailed      = fleet.ErrWakeFailed
	ErrWakeTimeout     = fleet.ErrWakeTimeout
	ErrRateLimited     = fleet.ErrRateLimited
	ErrBusy            = fleet.ErrBusy
	ErrRefused         = fleet.ErrRefused
	ErrTimeout         = fleet.ErrTimeout
	ErrFailed          = fleet.ErrFailed
)

// MayHaveSucceeded is fleet.MayHaveSucceeded (see above).
func MayHaveSucceeded(err error) bool { return fleet.MayHaveSucceeded(err) }

// RetryAfter is fleet.RetryAfter (see above).
func RetryAfter(err error) time.Duration { return fleet.RetryAfter(err) }
