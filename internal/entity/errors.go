package entity

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/fleet"
)

// ErrorKind says how a surface answers a failed service call.
type ErrorKind int

const (
	// KindBadRequest: an unknown service or data outside its schema
	// (Home Assistant's vol.Invalid / ServiceNotFound).
	KindBadRequest ErrorKind = iota + 1
	// KindInvalid: the entity refused the input before anything was sent
	// (Home Assistant's ServiceValidationError: range, option, scope,
	// an action the entity does not support).
	KindInvalid
	// KindFailed: Tesla or the car failed the command (HomeAssistantError).
	KindFailed
)

// Error is a failed service call, with the integration's translation key
// and its English message. Surfaces answer it with HTTPStatus and Message;
// errors.Is reaches the command's class through Err.
type Error struct {
	Kind    ErrorKind
	Key     string // the integration's translation key ("command_reason", "missing_scope_vehicle_cmds", …)
	Message string
	Err     error // the command's error, for KindFailed
}

func (e *Error) Error() string { return e.Message }

func (e *Error) Unwrap() error { return e.Err }

// HTTPStatus is the status a REST surface answers.
func (e *Error) HTTPStatus() int {
	switch e.Kind {
	case KindBadRequest, KindInvalid:
		return http.StatusBadRequest
	}
	return fleet.HTTPStatus(e.Err)
}

// MayHaveSucceeded reports whether the car may have run the command though
// the call failed.
func (e *Error) MayHaveSucceeded() bool { return fleet.MayHaveSucceeded(e.Err) }

// The integration's messages (strings.json, §2.6) and Home Assistant's own
// validation messages.
var messages = map[string]string{
	"command_error":                       "Command returned an error: %s",
	"command_failed":                      "Command failed: %s",
	"command_no_reason":                   "Command was unsuccessful but did not return a reason why.",
	"command_reason":                      "Command was unsuccessful: %s",
	"homelink_no_location":                "Vehicle location is not available. Ensure the vehicle is awake and that the location scope has been granted.",
	"invalid_cop_temp":                    "Cabin overheat protection does not support that temperature.",
	"missing_scope_energy_cmds":           "Missing energy commands scope.",
	"missing_scope_vehicle_charging_cmds": "Missing vehicle charging commands scope.",
	"missing_scope_vehicle_cmds":          "Missing vehicle commands scope.",
	"missing_temperature":                 "Temperature is required for this action.",
	"no_cable":                            "Charge cable will lock automatically when connected",
	"wake_up_failed":                      "Failed to wake up vehicle",
	"wake_up_timeout":                     "Could not wake up vehicle",
	// Home Assistant's core messages.
	"not_supported":        "Entity %s does not support action %s.%s",
	"out_of_range":         "Value %s for %s is outside valid range %s - %s",
	"not_valid_option":     "Option %s is not valid for %s. Valid options are: %s.",
	"not_valid_hvac_mode":  "HVAC mode %s is not valid. Valid HVAC modes are: %s",
	"not_valid_preset":     "Preset mode %s is not valid. Valid preset modes are: %s",
	"temp_out_of_range":    "Provided temperature %s is not valid. Accepted range is %s to %s",
	"service_not_found":    "Action %s.%s not found",
	"no_entities":          "None of the referenced entities exist: %s",
	"invalid_service_data": "%s",
}

// invalid is a ServiceValidationError with the integration's key.
func invalid(key string, args ...any) *Error {
	return &Error{Kind: KindInvalid, Key: key, Message: message(key, args...)}
}

// badRequest is data outside the action's schema.
func badRequest(format string, args ...any) *Error {
	return &Error{Kind: KindBadRequest, Key: "invalid_service_data", Message: fmt.Sprintf(format, args...)}
}

func message(key string, args ...any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if len(args) == 0 {
		return m
	}
	return fmt.Sprintf(m, args...)
}

// missingScope is raise_for_read_only.
func missingScope(scope string) *Error { return invalid("missing_scope_" + scope) }

// failed translates a command's error into the integration's message:
// a refusal with its reason, a wake that failed or timed out, anything
// else as command_failed.
func failed(err error) *Error {
	var ce *command.Error
	hasCE := errors.As(err, &ce)
	switch {
	case errors.Is(err, fleet.ErrWakeTimeout):
		return &Error{Kind: KindFailed, Key: "wake_up_timeout", Message: message("wake_up_timeout"), Err: err}
	case errors.Is(err, fleet.ErrWakeFailed):
		return &Error{Kind: KindFailed, Key: "wake_up_failed", Message: message("wake_up_failed"), Err: err}
	case errors.Is(err, fleet.ErrRefused) && hasCE && ce.Reason != "":
		return &Error{Kind: KindFailed, Key: "command_reason", Message: message("command_reason", ce.Reason), Err: err}
	case errors.Is(err, fleet.ErrRefused):
		return &Error{Kind: KindFailed, Key: "command_no_reason", Message: message("command_no_reason"), Err: err}
	}
	text := err.Error()
	if hasCE {
		text = strings.TrimSpace(strings.TrimPrefix(text, ce.Op+" "+ce.VIN+":"))
	}
	return &Error{Kind: KindFailed, Key: "command_failed", Message: message("command_failed", text), Err: err}
}
