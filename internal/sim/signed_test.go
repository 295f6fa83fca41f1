package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"google.golang.org/protobuf/proto"
)

func TestSignedCommandPlumbing(t *testing.T) {
	e := startEnv(t, nil)
	m3 := "/api/1/vehicles/" + e.m3 + "/signed_command"
	e.setState(e.m3, "online")

	// Bad bodies.
	for name, body := range map[string]any{
		"not base64": map[string]string{"routable_message": "%%%"},
		"missing":    map[string]string{},
		"not JSON":   `{"routable_message":`,
		"wrong type": map[string]any{"routable_message": 42},
	} {
		st, b := e.do("POST", "NA", m3, e.tok, body)
		if st != 400 {
			t.Errorf("%s: %d %s", name, st, b)
		}
		var eb errorBody
		mustJSON(t, b, &eb)
		if eb.Error != "invalid_request" {
			t.Errorf("%s: error %q", name, eb.Error)
		}
	}

	// A message without a valid signature: 200 with a fault inside the reply.
	uuid := bytes.Repeat([]byte{7}, 16)
	msg := &universalmessage.RoutableMessage{
		ToDestination: &universalmessage.Destination{
			SubDestination: &universalmessage.Destination_Domain{Domain: universalmessage.Domain_DOMAIN_INFOTAINMENT}},
		FromDestination: &universalmessage.Destination{
			SubDestination: &universalmessage.Destination_RoutingAddress{RoutingAddress: bytes.Repeat([]byte{1}, 16)}},
		Payload: &universalmessage.RoutableMessage_ProtobufMessageAsBytes{ProtobufMessageAsBytes: []byte{0xff, 0xfe, 0x01}},
		Uuid:    uuid,
	}
	raw, err := proto.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	st, b := e.do("POST", "NA", m3, e.tok, map[string]string{"routable_message": base64.StdEncoding.EncodeToString(raw)})
	if st != 200 {
		t.Fatalf("signed_command: %d %s", st, b)
	}
	var env struct {
		Response string `json:"response"`
	}
	mustJSON(t, b, &env)
	replyBytes, err := base64.StdEncoding.DecodeString(env.Response)
	if err != nil {
		t.Fatalf("reply is not base64: %v", err)
	}
	var reply universalmessage.RoutableMessage
	if err := proto.Unmarshal(replyBytes, &reply); err != nil {
		t.Fatalf("reply is not a RoutableMessage: %v", err)
	}
	if s := reply.GetSignedMessageStatus(); s.GetOperationStatus() != universalmessage.OperationStatus_E_OPERATIONSTATUS_ERROR ||
		s.GetSignedMessageFault() == universalmessage.MessageFault_E_MESSAGEFAULT_ERROR_NONE {
		t.Errorf("reply status = %v, want an error with a fault", s)
	}
	if !bytes.Equal(reply.GetRequestUuid(), uuid) {
		t.Errorf("request_uuid = %x, want %x", reply.GetRequestUuid(), uuid)
	}

	// Asleep: 408 with Tesla's body (the SDK looks for "vehicle is offline").
	e.setState(e.m3, "asleep")
	st, b = e.do("POST", "NA", m3, e.tok, map[string]string{"routable_message": base64.StdEncoding.EncodeToString(raw)})
	if st != 408 {
		t.Errorf("asleep: %d %s", st, b)
	}
	wantBody(t, b, unavailable)

	// A vehicle without the protocol: 422 (the SDK falls back to REST).
	e.setState(e.ms, "online")
	st, b = e.do("POST", "NA", "/api/1/vehicles/"+e.ms+"/signed_command", e.tok,
		map[string]string{"routable_message": base64.StdEncoding.EncodeToString(raw)})
	if st != 422 {
		t.Errorf("off vehicle: %d %s", st, b)
	}

	// Oversized bodies are refused.
	big := map[string]string{"routable_message": base64.StdEncoding.EncodeToString(make([]byte, maxBody))}
	if st, _ := e.do("POST", "NA", m3, e.tok, big); st != 413 {
		t.Errorf("oversized: %d", st)
	}
}

func BenchmarkVehicleDataRoundTrip(b *testing.B) {
	e := startEnv(b, nil)
	e.setState(e.m3, "online")
	url := e.s.URLs["NA"] + "/api/1/vehicles/" + e.m3 + "/vehicle_data?endpoints=charge_state%3Bvehicle_state"
	for b.Loop() {
		e.s.limiter.reset() // 60 a minute would stop the loop
		req, _ := http.NewRequest("GET", url, nil)
		req.Header.Set("Authorization", "Bearer "+e.tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		readAll(b, resp)
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

// FuzzSignedCommandBody: any body gets a Tesla envelope, never a panic.
func FuzzSignedCommandBody(f *testing.F) {
	c, err := New(Options{Seed: 3})
	if err != nil {
		f.Fatal(err)
	}
	h := c.Handler("NA")
	acct, ok := c.World().Account(demoEmail)
	if !ok {
		f.Fatal("no demo account")
	}
	tok, err := c.OAuth().Mint(acct.ID, c.OAuth().DemoApp().ClientID, []string{"vehicle_cmds"})
	if err != nil {
		f.Fatal(err)
	}
	var vin string
	for _, v := range c.World().AllVINs() {
		if c.World().CommandSigning(v) != "off" {
			vin = v
		}
	}
	on := "online"
	if err := c.World().SetVehicle(vin, worldPatchState(on)); err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{``, `{}`, `null`, `[]`, `{"routable_message":"AA=="}`, `{"routable_message":""}`,
		`{"routable_message":"Eg4KDBIKAQIDBAUGBwgJEA=="}`, `{"routable_message":null}`, `{"routable_message":"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		c.limiter.reset()
		req := httptest.NewRequest("POST", "/api/1/vehicles/"+vin+"/signed_command", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var env map[string]json.RawMessage
		if err := json.Unmarshal(rec.Body.Bytes(), &env); err != nil {
			t.Fatalf("status %d, body %q is not JSON: %v", rec.Code, rec.Body.Bytes(), err)
		}
		if _, ok := env["response"]; !ok {
			t.Fatalf("status %d, body %q has no response field", rec.Code, rec.Body.Bytes())
		}
		if rec.Code == 200 {
			var s string
			if err := json.Unmarshal(env["response"], &s); err != nil {
				t.Fatalf("200 without a base64 string: %q", rec.Body.Bytes())
			}
		} else if _, ok := env["error"]; !ok {
			t.Fatalf("status %d without error: %q", rec.Code, rec.Body.Bytes())
		}
	})
}
