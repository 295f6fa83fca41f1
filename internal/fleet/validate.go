package fleet

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
)

var commandNameRE = regexp.MustCompile(`^[a-z0-9_]{1,64}$`)

// commandPayload is body as JSON (nil is {}), checked for shape only: a
// valid command name and a JSON object. Tesla's ranges and enums are not
// checked here: package command's table is the one place they are defined,
// and it checks them before anything reaches this client.
func commandPayload(name string, body any) ([]byte, error) {
	if !commandNameRE.MatchString(name) {
		return nil, &ValidationError{Command: "command", Field: "name", Reason: strconv.Quote(name) + " is not a command name"}
	}
	payload := []byte("{}")
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, &ValidationError{Command: name, Reason: "body is not JSON: " + err.Error()}
		}
		payload = b
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, &ValidationError{Command: name, Reason: "body must be a JSON object"}
	}
	return payload, nil
}
