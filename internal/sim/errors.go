package sim

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/teslafleet/teslafleet/internal/sim/world"
)

// Tesla's error strings.
const (
	msgUnavailable      = "vehicle unavailable: vehicle is offline or asleep"
	msgMissingScopes    = "Unauthorized missing scopes"
	msgProtocolRequired = "Tesla Vehicle Command Protocol required, please refer to the documentation here: https://developer.tesla.com/docs/fleet-api#2023-10-09-rest-api-vehicle-commands-endpoint-deprecation-warning"
	msgNotFound         = "Not Found"
	msgTokenExpired     = "token expired (401)"
	msgInvalidToken     = "invalid bearer token"
	msgExpectedPartner  = "Expected partner account"
	msgNoSignedCommands = "vehicle does not support signed commands"
)

// apiError is an HTTP answer in Tesla's shape. Handlers return it (or a world
// error, which writeError maps) and writeError renders it.
type apiError struct {
	Status      int
	Code        string            // the "error" field
	Description string            // the "error_description" field
	Bare        bool              // body is {"error":…} only
	NoBody      bool              // no body at all
	Text        string            // plain-text body instead of JSON (429)
	Header      map[string]string // extra headers
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s %s", e.Status, e.Code, e.Description)
}

func newError(status int, code, desc string) *apiError {
	return &apiError{Status: status, Code: code, Description: desc}
}

func errInvalidRequest(desc string) *apiError {
	return newError(http.StatusBadRequest, "invalid_request", desc)
}

func errMissingScopes() *apiError {
	return newError(http.StatusForbidden, msgMissingScopes, "")
}

// writeError is the one place errors become Tesla answers.
func writeError(w http.ResponseWriter, log *slog.Logger, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, world.ErrNotFound):
		ae = newError(http.StatusNotFound, "not_found", "")
	case errors.Is(err, world.ErrUnavailable):
		ae = newError(http.StatusRequestTimeout, msgUnavailable, "")
	case errors.Is(err, world.ErrInvalidCommand):
		ae = newError(http.StatusBadRequest, "invalid_command", "")
	case errors.Is(err, world.ErrInvalidParam):
		// The detail after the world's own prefix, as Tesla words it: "percent 120 is outside 50–100".
		ae = newError(http.StatusBadRequest, "invalid_field", paramDetail(err))
	default:
		log.Error("sim: internal error", "err", err)
		ae = newError(http.StatusInternalServerError, "upstream internal error", "")
	}
	for k, v := range ae.Header {
		w.Header().Set(k, v)
	}
	switch {
	case ae.NoBody:
		w.WriteHeader(ae.Status)
	case ae.Text != "":
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(ae.Text)))
		w.WriteHeader(ae.Status)
		_, _ = w.Write([]byte(ae.Text))
	case ae.Bare:
		writeJSON(w, ae.Status, bareError{Error: ae.Code})
	default:
		writeJSON(w, ae.Status, errorBody{Error: ae.Code, ErrorDescription: ae.Description})
	}
}

// paramDetail is an invalid-parameter error's text after the world's own
// prefix, as Tesla words it: "percent 120 is outside 50–100".
func paramDetail(err error) string {
	return strings.TrimPrefix(err.Error(), world.ErrInvalidParam.Error()+": ")
}

// commandReason is the reason a car gives for a command the world refused
// with err: the text the REST path answers, never the world's internal
// wording.
func commandReason(err error) string {
	switch {
	case errors.Is(err, world.ErrInvalidParam):
		return paramDetail(err)
	case errors.Is(err, world.ErrInvalidCommand):
		return "invalid_command"
	case errors.Is(err, world.ErrNotFound):
		return "not_found"
	case errors.Is(err, world.ErrUnavailable):
		return msgUnavailable
	default:
		return "upstream internal error"
	}
}
