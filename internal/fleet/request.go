package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"
)

// maxBody bounds a response body we read.
const maxBody = 16 << 20

// call describes one Fleet API request.
type call struct {
	method     string
	path       string // starting "/api/1/"
	query      url.Values
	body       any // JSON-encoded; nil sends no body
	endpoint   string
	device     string // VIN or site id, for the ledger and OnResponse
	base       string // a fixed base URL ("" = the client's current one)
	noRedirect bool   // return 421 instead of following it
}

// doJSON sends cl and decodes the envelope's "response" into a new T.
func doJSON[T any](ctx context.Context, c *Client, cl call) (*T, error) {
	env, err := c.send(ctx, cl)
	if err != nil {
		return nil, err
	}
	v, err := decodeResponse[T](cl.method, cl.endpoint, env.Response)
	if err != nil {
		return nil, err
	}
	if cl.method == http.MethodGet && c.cfg.OnResponse != nil {
		c.cfg.OnResponse(cl.endpoint, cl.device, env.Response)
	}
	return v, nil
}

func decodeResponse[T any](method, endpoint string, raw json.RawMessage) (*T, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
		return nil, &DecodeError{Endpoint: endpoint, Method: method, Err: errors.New(`no "response" in the body`)}
	}
	v := new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, &DecodeError{Endpoint: endpoint, Method: method, Err: err}
	}
	return v, nil
}

// send performs cl: authentication, timeouts, GET retries (5xx and network
// errors, with backoff), one 421 base-URL switch, one token refresh after a
// 401, and a ledger entry per HTTP answer. POSTs are never retried on
// failure; a 421 or 401 means the request was not executed, so those are
// resent once.
func (c *Client) send(ctx context.Context, cl call) (*envelope, error) {
	var payload []byte
	if cl.body != nil {
		b, err := json.Marshal(cl.body)
		if err != nil {
			return nil, &ValidationError{Command: cl.endpoint, Reason: "body is not JSON: " + err.Error()}
		}
		payload = b
	}
	tok, err := c.ts.Token(ctx)
	if err != nil {
		return nil, err
	}
	redirected, reauthed, failures := false, false, 0
	for {
		base := cl.base
		if base == "" {
			base = c.BaseURL()
		}
		status, h, body, err := c.roundTrip(ctx, cl, base, tok.AccessToken, payload)
		if err != nil {
			failures++
			if cl.method == http.MethodGet && failures < c.cfg.Retry.Attempts && ctx.Err() == nil {
				if c.pause(ctx, failures) == nil {
					continue
				}
			}
			return nil, &TransportError{Method: cl.method, Endpoint: cl.endpoint, Err: err}
		}
		c.record(ctx, cl, tok.AccessToken, status)
		if status >= 200 && status < 300 {
			return decodeEnvelope(cl.method, cl.endpoint, body)
		}
		apiErr := newAPIError(cl.method, cl.endpoint, status, h, redact(body, tok.AccessToken))
		switch {
		case status == http.StatusMisdirectedRequest && !cl.noRedirect && !redirected:
			if target, ok := c.acceptBase(redirectTarget(body, h)); ok && target != base {
				redirected = true
				c.setBase(target)
				continue
			}
		case errors.Is(apiErr, ErrTokenExpired) && !reauthed:
			if inv, ok := c.ts.(tokenInvalidator); ok {
				reauthed = true
				inv.Invalidate(tok.AccessToken)
				if tok, err = c.ts.Token(ctx); err != nil {
					return nil, err
				}
				continue
			}
		case cl.method == http.MethodGet && isRetryable(apiErr):
			failures++
			if failures < c.cfg.Retry.Attempts && c.pause(ctx, failures) == nil {
				c.cfg.Logger.Debug("fleet: retrying", "endpoint", cl.endpoint, "status", status)
				continue
			}
		}
		return nil, apiErr
	}
}

func (c *Client) roundTrip(ctx context.Context, cl call, base, accessToken string, payload []byte) (int, http.Header, []byte, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	u := base + cl.path
	if len(cl.query) > 0 {
		u += "?" + cl.query.Encode()
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, resp.Header, body, nil
}

// redact removes the access token from an error body: some servers and
// gateways echo the Authorization header, and errors end up in logs.
func redact(body []byte, accessToken string) []byte {
	if accessToken == "" || !bytes.Contains(body, []byte(accessToken)) {
		return body
	}
	return bytes.ReplaceAll(body, []byte(accessToken), []byte("[redacted]"))
}

// pause waits before retry n (1-based), doubling from Retry.Backoff.
func (c *Client) pause(ctx context.Context, n int) error {
	d := c.cfg.Retry.Backoff
	for i := 1; i < n && d < c.cfg.Retry.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.cfg.Retry.MaxBackoff)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Client) record(ctx context.Context, cl call, accessToken string, status int) {
	if c.cfg.Ledger == nil {
		return
	}
	cat := Classify(cl.method, cl.path)
	c.cfg.Ledger.Record(ctx, Entry{
		Time:     c.cfg.Now().UTC(),
		Account:  c.subjectOf(accessToken),
		Device:   cl.device,
		Endpoint: cl.endpoint,
		Category: cat,
		Status:   status,
		Units:    1,
		Billed:   Billable(status),
	})
}
