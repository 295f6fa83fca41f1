package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// envelope is every Fleet API body: {"response":…,"error":…,…}.
type envelope struct {
	Response         json.RawMessage `json:"response"`
	Error            string          `json:"error"`
	ErrorDescription string          `json:"error_description"`
	Messages         json.RawMessage `json:"messages"`
	Txid             string          `json:"txid"`
	Count            *int            `json:"count"`      // products, vehicles
	Pagination       json.RawMessage `json:"pagination"` // vehicles
}

// decodeEnvelope decodes a 2xx body.
func decodeEnvelope(method, endpoint string, body []byte) (*envelope, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return nil, &DecodeError{Endpoint: endpoint, Method: method, Err: err}
	}
	return &env, nil
}

var retryInText = regexp.MustCompile(`(?i)retry in (\d+) ?s`)

// newAPIError builds the error of a non-2xx answer. Bodies may be JSON
// envelopes, plain text or empty.
func newAPIError(method, endpoint string, status int, h http.Header, body []byte) *APIError {
	e := &APIError{Status: status, Endpoint: endpoint, Method: method, Txid: h.Get("X-Txid")}
	var env envelope
	if trimmed := bytes.TrimSpace(body); len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &env) == nil {
		e.Code, e.Message = env.Error, env.ErrorDescription
		if env.Txid != "" {
			e.Txid = env.Txid
		}
		if e.Code == "" && e.Message == "" && len(env.Messages) > 0 {
			e.Message = string(env.Messages)
		}
	} else {
		text := strings.TrimSpace(string(body))
		if len(text) > 300 {
			text = text[:300]
		}
		e.Code = text
	}
	if status == http.StatusTooManyRequests {
		e.RetryAfter = parseRetryAfter(h.Get("Retry-After"))
		if e.RetryAfter == 0 {
			if m := retryInText.FindStringSubmatch(string(body)); m != nil {
				if n, err := strconv.Atoi(m[1]); err == nil {
					e.RetryAfter = time.Duration(n) * time.Second
				}
			}
		}
		e.RateLimitLimit = headerInt(h, "RateLimit-Limit")
		e.RateLimitRemaining = headerInt(h, "RateLimit-Remaining")
		e.RateLimitReset = time.Duration(headerInt(h, "RateLimit-Reset")) * time.Second
	}
	e.class = statusClass(status, e.Code+" "+e.Message, endpoint)
	return e
}

// statusClass maps a status (and, where Tesla overloads a status, the
// body text) to an error class.
func statusClass(status int, text, endpoint string) error {
	lower := strings.ToLower(text)
	switch status {
	case 400, 405, 406:
		return ErrInvalidRequest
	case 401:
		switch {
		case strings.Contains(lower, "login_required"):
			return ErrLoginRequired
		case strings.Contains(lower, "mobile_access_disabled"):
			return ErrMobileAccessDisabled
		}
		return ErrTokenExpired
	case 402:
		return ErrPaymentRequired
	case 403:
		switch {
		case strings.Contains(lower, "missing scope") || strings.Contains(lower, "invalid_scope"):
			return ErrMissingScope
		case strings.Contains(lower, "command protocol required"):
			return ErrSigningRequired
		}
		return ErrForbidden
	case 404:
		return ErrNotFound
	case 408:
		return ErrAsleep
	case 412:
		return ErrNotRegistered
	case 421:
		return ErrWrongRegion
	case 422:
		if endpoint == "signed_command" {
			return ErrProtocolNotSupported
		}
		return ErrInvalidRequest
	case 423:
		return ErrLocked
	case 424:
		return ErrDependency
	case 429:
		return ErrRateLimited
	case 540:
		return ErrDeviceUnexpected
	}
	if status >= 500 && status < 600 {
		return ErrServer
	}
	return ErrHTTP
}

// parseRetryAfter reads delta-seconds or an HTTP date.
func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d.Round(time.Second)
		}
	}
	return 0
}

func headerInt(h http.Header, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(h.Get(name)))
	return n
}

// isRetryable reports whether a GET may be retried after err.
func isRetryable(err error) bool {
	return errors.Is(err, ErrServer) || errors.Is(err, ErrNetwork)
}
