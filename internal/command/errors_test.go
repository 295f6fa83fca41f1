package command

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol"
	verrors "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/errors"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

func TestErrorMapping(t *testing.T) {
	c := newCommander(t, fastConfig(newFake(t), nil))
	rateLimited := fmt.Errorf("%w: %w", &fleet.APIError{Status: 429, Method: "POST", RetryAfter: 30 * time.Second}, fleet.ErrRateLimited)
	for _, tc := range []struct {
		name   string
		err    error
		sent   bool
		class  error  // nil: success
		also   error  // still reachable with errors.Is
		reason string // for fleet.ErrRefused
		maybe  bool
	}{
		{"key not paired", protocol.ErrKeyNotPaired, false, fleet.ErrKeyNotPaired, protocol.ErrKeyNotPaired, "", false},
		{"nominal benign", &protocol.NominalError{Details: protocol.NewError("car could not execute command: already_set", false, false)}, true, nil, nil, "", false},
		{"nominal refusal", &protocol.NominalError{Details: protocol.NewError("car could not execute command: is_charging", false, false)}, true, fleet.ErrRefused, nil, "is_charging", false},
		{"vcsec refusal", &protocol.NominalError{Details: &protocol.NominalVCSECError{Details: &verrors.NominalError{GenericError: verrors.GenericError_E_GENERICERROR_CLOSURES_OPEN}}}, true, fleet.ErrRefused, nil, "GENERICERROR_CLOSURES_OPEN", false},
		{"rest benign", &fleet.RefusedError{Reason: "not_charging"}, true, nil, nil, "", false},
		{"rest refusal", &fleet.RefusedError{Reason: "disconnected"}, true, fleet.ErrRefused, fleet.ErrRefused, "disconnected", false},
		{"busy", protocol.ErrBusy, true, fleet.ErrBusy, protocol.ErrBusy, "", false},
		{"busy fault", &protocol.RoutableMessageError{Code: universal.MessageFault_E_MESSAGEFAULT_ERROR_BUSY}, true, fleet.ErrBusy, nil, "", false},
		{"other fault", &protocol.RoutableMessageError{Code: universal.MessageFault_E_MESSAGEFAULT_ERROR_REMOTE_ACCESS_DISABLED}, true, fleet.ErrFailed, nil, "", false},
		{"mtu fault may have run", &protocol.RoutableMessageError{Code: universal.MessageFault_E_MESSAGEFAULT_ERROR_RESPONSE_MTU_EXCEEDED}, true, fleet.ErrFailed, nil, "", true},
		{"rate limited", rateLimited, true, fleet.ErrRateLimited, fleet.ErrRateLimited, "", false},
		{"missing scope", apiError(403, fleet.ErrMissingScope), true, fleet.ErrMissingScope, fleet.ErrMissingScope, "", false},
		{"signing required", apiError(403, fleet.ErrSigningRequired), true, fleet.ErrSigningRequired, fleet.ErrSigningRequired, "", false},
		{"asleep", errAsleep408, true, fleet.ErrAsleep, fleet.ErrAsleep, "", false},
		{"5xx after sending", apiError(500, fleet.ErrServer), true, fleet.ErrFailed, fleet.ErrServer, "", true},
		{"5xx on the handshake", apiError(500, fleet.ErrServer), false, fleet.ErrFailed, fleet.ErrServer, "", false},
		{"deadline after sending", &protocol.CommandError{Err: context.DeadlineExceeded, PossibleSuccess: true}, true, fleet.ErrTimeout, context.DeadlineExceeded, "", true},
		{"deadline before sending", context.DeadlineExceeded, false, fleet.ErrTimeout, context.DeadlineExceeded, "", false},
		{"422", &sendError{err: apiError(422, fleet.ErrProtocolNotSupported), sdk: protocol.ErrProtocolNotSupported}, false, fleet.ErrNotSupported, protocol.ErrProtocolNotSupported, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := c.classify("cmd", vinA, tc.err, tc.sent)
			if tc.class == nil {
				if err != nil {
					t.Fatalf("err = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tc.class) {
				t.Fatalf("err = %v, want class %v", err, tc.class)
			}
			if tc.also != nil && !errors.Is(err, tc.also) {
				t.Fatalf("err = %v lost its cause %v", err, tc.also)
			}
			var e *Error
			if !errors.As(err, &e) || e.Reason != tc.reason {
				t.Fatalf("reason = %q, want %q", e.Reason, tc.reason)
			}
			if fleet.MayHaveSucceeded(err) != tc.maybe {
				t.Fatalf("MayHaveSucceeded = %v, want %v", fleet.MayHaveSucceeded(err), tc.maybe)
			}
		})
	}
	err := c.classify("cmd", vinA, rateLimited, true)
	if fleet.RetryAfter(err) != 30*time.Second || !contains(err.Error(), "retry after 30s") {
		t.Fatalf("RetryAfter = %v (%v)", fleet.RetryAfter(err), err)
	}
	var nominal *protocol.NominalError
	if err := c.classify("cmd", vinA, &protocol.NominalError{Details: errors.New("car could not execute command: x")}, true); !errors.As(err, &nominal) {
		t.Fatal("errors.As to the SDK's NominalError must still work")
	}
}

func TestWakeErrorsKeepTheirCause(t *testing.T) {
	f := newFake(t)
	c := newCommander(t, fastConfig(f, nil))
	// Unknown VIN: the free check and wake_up both 404.
	err := c.WakeUp(context.Background(), "NOSUCHVIN")
	if !errors.Is(err, fleet.ErrWakeFailed) || !errors.Is(err, fleet.ErrNotFound) {
		t.Fatalf("err = %v, want fleet.ErrWakeFailed wrapping fleet.ErrNotFound", err)
	}
}

// TestWhatSendReturnsAnswersASurface: the errors Send and SendSite return
// are fleet's classes (errors.Is), keep the car's reason (errors.As) and
// give a REST surface its status, retry advice and "may have run".
func TestWhatSendReturnsAnswersASurface(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name      string
		setup     func(f *fakeFleet)
		send      func(c *Commander) error
		class     error
		reason    string
		status    int
		temporary bool
		maybe     bool
	}{
		{"invalid", nil, func(c *Commander) error { return c.Send(ctx, vinA, SetChargeLimit(120)) },
			fleet.ErrInvalidRequest, "", 400, false, false},
		{"refused with the car's reason", func(f *fakeFleet) {
			f.command = func(string, string, any) (*fleet.CommandResult, error) {
				return &fleet.CommandResult{Reason: "cabin comfort remote settings not enabled"}, nil
			}
		}, func(c *Commander) error { return c.Send(ctx, vinA, ClimateOn()) },
			fleet.ErrRefused, "cabin comfort remote settings not enabled", 409, false, false},
		{"benign refusal is success", func(f *fakeFleet) {
			f.command = func(string, string, any) (*fleet.CommandResult, error) {
				return &fleet.CommandResult{Reason: "already_set"}, nil
			}
		}, func(c *Commander) error { return c.Send(ctx, vinA, SetSentryMode(true)) },
			nil, "", 200, false, false},
		{"missing scope", func(f *fakeFleet) {
			f.command = func(string, string, any) (*fleet.CommandResult, error) {
				return nil, apiError(403, fleet.ErrMissingScope)
			}
		}, func(c *Commander) error { return c.Send(ctx, vinA, ChargeStart()) },
			fleet.ErrMissingScope, "", 403, false, false},
		{"rate limited", func(f *fakeFleet) {
			f.command = func(string, string, any) (*fleet.CommandResult, error) {
				return nil, apiError(429, fleet.ErrRateLimited)
			}
		}, func(c *Commander) error { return c.Send(ctx, vinA, Honk()) },
			fleet.ErrRateLimited, "", 429, true, false},
		{"5xx after sending may have run", func(f *fakeFleet) {
			f.command = func(string, string, any) (*fleet.CommandResult, error) {
				return nil, apiError(502, fleet.ErrServer)
			}
		}, func(c *Commander) error { return c.Send(ctx, vinA, Unlock()) },
			fleet.ErrFailed, "", 502, true, true},
		{"wake timeout", func(f *fakeFleet) {
			f.cars[vinA].state, f.cars[vinA].onlineAfter = "asleep", -1
		}, func(c *Commander) error { return c.Send(ctx, vinA, Honk()) },
			fleet.ErrWakeTimeout, "", 504, true, false},
		{"site command refused by scope", nil, func(c *Commander) error {
			return c.SendSite(ctx, 1, SetBackupReserve(20)) // fakeEnergy below answers 403
		}, fleet.ErrMissingScope, "", 403, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			f.add(t, vinA, "online", SigningOff, false, nil)
			if tc.setup != nil {
				tc.setup(f)
			}
			c := newCommander(t, fastConfig(&fakeEnergy{fakeFleet: f, err: apiError(403, fleet.ErrMissingScope)}, nil))
			c.MarkState(vinA, f.cars[vinA].state)
			err := tc.send(c)
			if tc.class == nil {
				if err != nil {
					t.Fatalf("err = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tc.class) {
				t.Fatalf("err = %v, want class %v", err, tc.class)
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Reason != tc.reason {
				t.Fatalf("err = %v: reason %q, want %q", err, ce.Reason, tc.reason)
			}
			if got := fleet.HTTPStatus(err); got != tc.status {
				t.Errorf("HTTPStatus = %d, want %d", got, tc.status)
			}
			if got := fleet.Temporary(err); got != tc.temporary {
				t.Errorf("Temporary = %v, want %v", got, tc.temporary)
			}
			if got := fleet.MayHaveSucceeded(err); got != tc.maybe {
				t.Errorf("MayHaveSucceeded = %v, want %v", got, tc.maybe)
			}
		})
	}
}

// The former command class names are fleet's values, not copies.
func TestFormerClassNamesAreFleetClasses(t *testing.T) {
	for _, tc := range []struct {
		name        string
		old, fleets error
	}{
		{"invalid", fleet.ErrInvalidRequest, fleet.ErrInvalidRequest}, {"asleep", fleet.ErrAsleep, fleet.ErrAsleep},
		{"refused", fleet.ErrRefused, fleet.ErrRefused}, {"missing scope", fleet.ErrMissingScope, fleet.ErrMissingScope},
		{"signing", fleet.ErrSigningRequired, fleet.ErrSigningRequired}, {"rate limited", fleet.ErrRateLimited, fleet.ErrRateLimited},
		{"wake timeout", fleet.ErrWakeTimeout, fleet.ErrWakeTimeout}, {"wake failed", fleet.ErrWakeFailed, fleet.ErrWakeFailed},
		{"key", fleet.ErrKeyNotPaired, fleet.ErrKeyNotPaired}, {"not supported", fleet.ErrNotSupported, fleet.ErrNotSupported},
		{"busy", fleet.ErrBusy, fleet.ErrBusy}, {"timeout", fleet.ErrTimeout, fleet.ErrTimeout}, {"failed", fleet.ErrFailed, fleet.ErrFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.old != tc.fleets {
				t.Errorf("%v is not fleet's %v", tc.old, tc.fleets)
			}
		})
	}
}
