package fleet

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
)

// CommandResult is a vehicle's answer to a REST command. Refusals come as
// HTTP 200 with Result false and a Reason.
type CommandResult struct {
	Result bool   `json:"result"`
	Reason string `json:"reason"`
}

// Err is nil when the command succeeded or was refused for a benign reason
// (BenignRefusal); otherwise a *RefusedError (class ErrRefused).
func (r CommandResult) Err() error {
	if r.Result || BenignRefusal(r.Reason) {
		return nil
	}
	return &RefusedError{Reason: r.Reason}
}

// Command sends POST /api/1/vehicles/{vin}/command/{name} with body (nil
// sends {}). Only the shape is checked before sending (VIN, command name, a
// JSON object body: *ValidationError, class ErrInvalidRequest); Tesla's
// parameter ranges are package command's table. It is never retried: after
// a 5xx or a lost answer, MayHaveSucceeded(err) is true. A result:false is
// not an error here: check res.Err().
func (c *Client) Command(ctx context.Context, vin, name string, body any) (*CommandResult, error) {
	if err := checkTag("command/"+name, vin); err != nil {
		return nil, err
	}
	payload, err := commandPayload(name, body)
	if err != nil {
		return nil, err
	}
	return doJSON[CommandResult](ctx, c, call{
		method: http.MethodPost, path: "/api/1/vehicles/" + url.PathEscape(vin) + "/command/" + name,
		endpoint: "command/" + name, device: vin, body: json.RawMessage(payload),
	})
}

// SignedCommand sends a Vehicle Command Protocol RoutableMessage (protobuf
// bytes) through POST /api/1/vehicles/{vin}/signed_command and returns the
// vehicle's RoutableMessage bytes. 422 is ErrProtocolNotSupported (use REST).
func (c *Client) SignedCommand(ctx context.Context, vin string, routableMessage []byte) ([]byte, error) {
	if err := checkTag("signed_command", vin); err != nil {
		return nil, err
	}
	if len(routableMessage) == 0 {
		return nil, &ValidationError{Command: "signed_command", Field: "routable_message", Reason: "must not be empty"}
	}
	const endpoint = "signed_command"
	env, err := c.send(ctx, call{
		method: http.MethodPost, path: "/api/1/vehicles/" + url.PathEscape(vin) + "/signed_command",
		endpoint: endpoint, device: vin,
		body: map[string]string{"routable_message": base64.StdEncoding.EncodeToString(routableMessage)},
	})
	if err != nil {
		return nil, err
	}
	var b64 string
	if err := json.Unmarshal(env.Response, &b64); err != nil {
		return nil, &DecodeError{Endpoint: endpoint, Method: http.MethodPost, Err: err}
	}
	out, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, &DecodeError{Endpoint: endpoint, Method: http.MethodPost, Err: err}
	}
	return out, nil
}
