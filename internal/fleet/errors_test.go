package fleet

import (
	"errors"
	"net/http"
	"testing"
	"time"
)

// TestErrorClasses drives each status Tesla documents through a real
// request and checks the class, details and that GETs retried only 5xx.
func TestErrorClasses(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		body     string
		header   map[string]string
		endpoint string // "vehicle_data" (GET) or "signed_command" (POST)
		class    error
		code     string
		retry    time.Duration
		tries    int
	}{
		{"400 invalid_command", 400, `{"response":null,"error":"invalid_command","error_description":""}`, nil, "vehicle_data", ErrInvalidRequest, "invalid_command", 0, 1},
		{"401 no body", 401, ``, nil, "vehicle_data", ErrTokenExpired, "", 0, 1},
		{"401 token expired", 401, `{"error":"token expired (401)"}`, nil, "vehicle_data", ErrTokenExpired, "token expired (401)", 0, 1},
		{"401 login_required", 401, `{"response":null,"error":"login_required","error_description":""}`, nil, "vehicle_data", ErrLoginRequired, "login_required", 0, 1},
		{"401 mobile access", 401, `{"response":null,"error":"mobile_access_disabled"}`, nil, "vehicle_data", ErrMobileAccessDisabled, "mobile_access_disabled", 0, 1},
		{"402", 402, `{"response":null,"error":"payment required"}`, nil, "vehicle_data", ErrPaymentRequired, "payment required", 0, 1},
		{"403 scopes", 403, `{"response":null,"error":"Unauthorized missing scopes","error_description":""}`, nil, "vehicle_data", ErrMissingScope, "Unauthorized missing scopes", 0, 1},
		{"403 protocol", 403, `{"response":null,"error":"Tesla Vehicle Command Protocol required, please refer to the documentation here: https://developer.tesla.com/docs/fleet-api","error_description":""}`, nil, "signed_command", ErrSigningRequired, "", 0, 1},
		{"403 other", 403, `{"response":null,"error":"unsupported vehicle"}`, nil, "vehicle_data", ErrForbidden, "unsupported vehicle", 0, 1},
		{"404", 404, `{"response":null,"error":"not_found","error_description":""}`, nil, "vehicle_data", ErrNotFound, "not_found", 0, 1},
		{"406", 406, `{"response":null,"error":"not_a_JSON_request"}`, nil, "vehicle_data", ErrInvalidRequest, "not_a_JSON_request", 0, 1},
		{"408", 408, `{"response":null,"error":"vehicle unavailable: vehicle is offline or asleep","error_description":""}`, nil, "vehicle_data", ErrAsleep, "vehicle unavailable: vehicle is offline or asleep", 0, 1},
		{"412", 412, `{"response":null,"error":"Account abc must be registered in the current region https://fleet-api.prd.na.vn.cloud.tesla.com, please see https://developer.tesla.com/docs/fleet-api/endpoints/partner-endpoints#register"}`, nil, "vehicle_data", ErrNotRegistered, "", 0, 1},
		{"421 unusable", 421, `{"response":null,"error":"user out of region"}`, nil, "vehicle_data", ErrWrongRegion, "user out of region", 0, 1},
		{"422 signed_command", 422, `{"response":null,"error":"Vehicle does not yet support signed commands"}`, nil, "signed_command", ErrProtocolNotSupported, "", 0, 1},
		{"422 elsewhere", 422, `{"response":null,"error":"invalid_resource","messages":{"f":["bad"]}}`, nil, "vehicle_data", ErrInvalidRequest, "invalid_resource", 0, 1},
		{"423 no body", 423, ``, nil, "vehicle_data", ErrLocked, "", 0, 1},
		{"424", 424, `{"response":null,"error":"Public key download failed for https://x/com.tesla.3p.public-key.pem, error: too large","error_description":"","txid":"92e8"}`, nil, "vehicle_data", ErrDependency, "", 0, 1},
		{"429 header", 429, `{"response":null,"error":"rate limited"}`, map[string]string{"Retry-After": "30", "RateLimit-Limit": "60", "RateLimit-Remaining": "0", "RateLimit-Reset": "45"}, "vehicle_data", ErrRateLimited, "rate limited", 30 * time.Second, 1},
		{"429 text", 429, `Retry in 37 seconds`, nil, "vehicle_data", ErrRateLimited, "Retry in 37 seconds", 37 * time.Second, 1},
		{"429 header wins", 429, `Retry in 37 seconds`, map[string]string{"Retry-After": "5"}, "vehicle_data", ErrRateLimited, "", 5 * time.Second, 1},
		{"451", 451, `{"response":null,"error":"legal"}`, nil, "vehicle_data", ErrHTTP, "legal", 0, 1},
		{"500 GET retried", 500, `{"response":null,"error":"upstream internal error"}`, nil, "vehicle_data", ErrServer, "upstream internal error", 0, 3},
		{"503 text GET retried", 503, `<html>busy</html>`, nil, "vehicle_data", ErrServer, "<html>busy</html>", 0, 3},
		{"500 POST not retried", 500, `{"response":null,"error":"upstream internal error"}`, nil, "signed_command", ErrServer, "", 0, 1},
		{"540", 540, `{"response":null,"error":"device unexpected response"}`, nil, "vehicle_data", ErrDeviceUnexpected, "", 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newRecorder(t, func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tc.header {
					w.Header().Set(k, v)
				}
				respond(tc.status, tc.body)(w, r)
			})
			c := testClient(srv.URL)
			var err error
			if tc.endpoint == "signed_command" {
				_, err = c.SignedCommand(t.Context(), "VIN1", []byte{1, 2})
			} else {
				_, err = c.VehicleData(t.Context(), "VIN1")
			}
			if !errors.Is(err, tc.class) {
				t.Fatalf("err = %v, want class %v", err, tc.class)
			}
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("err %T is not an *APIError", err)
			}
			if ae.Status != tc.status || ae.Endpoint != tc.endpoint {
				t.Errorf("status %d endpoint %q", ae.Status, ae.Endpoint)
			}
			if tc.code != "" && ae.Code != tc.code {
				t.Errorf("code = %q, want %q", ae.Code, tc.code)
			}
			if ae.RetryAfter != tc.retry || RetryAfter(err) != tc.retry {
				t.Errorf("RetryAfter = %v, want %v", ae.RetryAfter, tc.retry)
			}
			if n := len(srv.requests()); n != tc.tries {
				t.Errorf("%d requests, want %d", n, tc.tries)
			}
			wantMaybe := tc.endpoint == "signed_command" && tc.status >= 500
			if MayHaveSucceeded(err) != wantMaybe {
				t.Errorf("MayHaveSucceeded = %v, want %v", MayHaveSucceeded(err), wantMaybe)
			}
			if tc.header["RateLimit-Reset"] != "" && (ae.RateLimitReset != 45*time.Second || ae.RateLimitLimit != 60) {
				t.Errorf("rate limit headers: %+v", ae)
			}
			if tc.status == 424 && ae.Txid != "92e8" {
				t.Errorf("txid = %q", ae.Txid)
			}
		})
	}
}

// TestMalformedSuccess: a 2xx body that does not decode is a *DecodeError
// naming the endpoint, never a panic; a POST's is "may have succeeded".
func TestMalformedSuccess(t *testing.T) {
	for _, body := range []string{``, `{"response":`, `<html>`, `{"response":{"result":"yes"}}`, `{"response":null}`, `{"response":[]}`} {
		srv := newRecorder(t, respond(200, body))
		c := testClient(srv.URL)
		var de *DecodeError
		if body != `{"response":{"result":"yes"}}` { // a fine vehicle_data with an unknown member
			_, err := c.VehicleData(t.Context(), "VIN1")
			if !errors.As(err, &de) || de.Endpoint != "vehicle_data" || !errors.Is(err, ErrDecode) || MayHaveSucceeded(err) {
				t.Errorf("GET %q: err = %#v", body, err)
			}
		}
		_, err := c.HonkHorn(t.Context(), "VIN1")
		if !errors.As(err, &de) || de.Endpoint != "command/honk_horn" || !MayHaveSucceeded(err) {
			t.Errorf("POST %q: err = %v, MayHaveSucceeded %v", body, err, MayHaveSucceeded(err))
		}
	}
}

func TestTransportErrors(t *testing.T) {
	srv := newRecorder(t, respond(200, `{}`))
	url := srv.URL
	srv.Close() // nothing listens any more
	c := testClient(url)
	_, err := c.Vehicle(t.Context(), "VIN1")
	var te *TransportError
	if !errors.As(err, &te) || !errors.Is(err, ErrNetwork) || MayHaveSucceeded(err) {
		t.Errorf("GET on a closed port: %v", err)
	}
	_, err = c.HonkHorn(t.Context(), "VIN1")
	if !errors.Is(err, ErrNetwork) || MayHaveSucceeded(err) {
		t.Errorf("POST that never connected: %v (MayHaveSucceeded %v)", err, MayHaveSucceeded(err))
	}
	// A POST whose answer never came may have run.
	te = &TransportError{Method: "POST", Endpoint: "command/honk_horn", Err: errors.New("EOF")}
	if !MayHaveSucceeded(te) {
		t.Error("lost answer to a POST: MayHaveSucceeded false")
	}
}

func TestCommandResultErr(t *testing.T) {
	for _, tc := range []struct {
		r    CommandResult
		want error
	}{
		{CommandResult{Result: true}, nil},
		{CommandResult{Reason: "already_set"}, nil},
		{CommandResult{Reason: "not_charging"}, nil},
		{CommandResult{Reason: "requested"}, nil},
		{CommandResult{Reason: "is_charging"}, ErrRefused},
		{CommandResult{}, ErrRefused},
	} {
		err := tc.r.Err()
		if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("%+v: Err() = %v, want %v", tc.r, err, tc.want)
		}
		var re *RefusedError
		if tc.want != nil && (!errors.As(err, &re) || re.Reason != tc.r.Reason) {
			t.Errorf("%+v: not a *RefusedError with the reason", tc.r)
		}
	}
}
