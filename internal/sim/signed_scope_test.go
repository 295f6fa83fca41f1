package sim

import (
	"bytes"
	"encoding/base64"
	"testing"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/carserver"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/signatures"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/vcsec"
	"google.golang.org/protobuf/proto"
)

// signedMsg builds a signed_command body for a domain and payload. The
// signature is not valid (the scope check comes before the car verifies).
func signedMsg(t *testing.T, domain universalmessage.Domain, payload proto.Message, gcm bool) map[string]string {
	t.Helper()
	msg := &universalmessage.RoutableMessage{
		ToDestination: &universalmessage.Destination{SubDestination: &universalmessage.Destination_Domain{Domain: domain}},
		FromDestination: &universalmessage.Destination{
			SubDestination: &universalmessage.Destination_RoutingAddress{RoutingAddress: bytes.Repeat([]byte{1}, 16)}},
		Uuid: bytes.Repeat([]byte{2}, 16),
	}
	if payload == nil {
		msg.Payload = &universalmessage.RoutableMessage_SessionInfoRequest{SessionInfoRequest: &universalmessage.SessionInfoRequest{
			PublicKey: append([]byte{4}, bytes.Repeat([]byte{9}, 64)...)}}
	} else {
		p, err := proto.Marshal(payload)
		if err != nil {
			t.Fatal(err)
		}
		msg.Payload = &universalmessage.RoutableMessage_ProtobufMessageAsBytes{ProtobufMessageAsBytes: p}
		sig := &signatures.SignatureData{SignerIdentity: &signatures.KeyIdentity{
			IdentityType: &signatures.KeyIdentity_PublicKey{PublicKey: append([]byte{4}, bytes.Repeat([]byte{9}, 64)...)}}}
		if gcm {
			sig.SigType = &signatures.SignatureData_AES_GCM_PersonalizedData{AES_GCM_PersonalizedData: &signatures.AES_GCM_Personalized_Signature_Data{
				Epoch: make([]byte, 16), Nonce: make([]byte, 12), Counter: 1, ExpiresAt: 10, Tag: make([]byte, 16)}}
		} else {
			sig.SigType = &signatures.SignatureData_HMAC_PersonalizedData{HMAC_PersonalizedData: &signatures.HMAC_Personalized_Signature_Data{
				Epoch: make([]byte, 16), Counter: 1, ExpiresAt: 10, Tag: make([]byte, 32)}}
		}
		msg.SubSigData = &universalmessage.RoutableMessage_SignatureData{SignatureData: sig}
	}
	raw, err := proto.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"routable_message": base64.StdEncoding.EncodeToString(raw)}
}

// A token with vehicle_charging_cmds but not vehicle_cmds may sign charging
// commands only, as with the REST commands: the cloud reads the plaintext of
// an HMAC-signed command and refuses anything else with 403; it cannot read
// an AES-GCM-encrypted one, so refuses it too.
func TestSignedCommandScopes(t *testing.T) {
	e := startEnv(t, nil)
	e.setState(e.m3, "online")
	path := "/api/1/vehicles/" + e.m3 + "/signed_command"
	charging := e.token("vehicle_charging_cmds")
	infotainment, vcsecDomain := universalmessage.Domain_DOMAIN_INFOTAINMENT, universalmessage.Domain_DOMAIN_VEHICLE_SECURITY
	chargeStart := &carserver.Action{ActionMsg: &carserver.Action_VehicleAction{VehicleAction: &carserver.VehicleAction{
		VehicleActionMsg: &carserver.VehicleAction_ChargingStartStopAction{ChargingStartStopAction: &carserver.ChargingStartStopAction{
			ChargingAction: &carserver.ChargingStartStopAction_Start{Start: &carserver.Void{}}}}}}}
	honk := &carserver.Action{ActionMsg: &carserver.Action_VehicleAction{VehicleAction: &carserver.VehicleAction{
		VehicleActionMsg: &carserver.VehicleAction_VehicleControlHonkHornAction{VehicleControlHonkHornAction: &carserver.VehicleControlHonkHornAction{}}}}}
	unlock := &vcsec.UnsignedMessage{SubMessage: &vcsec.UnsignedMessage_RKEAction{RKEAction: vcsec.RKEAction_E_RKE_ACTION_UNLOCK}}
	wake := &vcsec.UnsignedMessage{SubMessage: &vcsec.UnsignedMessage_RKEAction{RKEAction: vcsec.RKEAction_E_RKE_ACTION_WAKE_VEHICLE}}
	chargePort := &vcsec.UnsignedMessage{SubMessage: &vcsec.UnsignedMessage_ClosureMoveRequest{ClosureMoveRequest: &vcsec.ClosureMoveRequest{
		ChargePort: vcsec.ClosureMoveType_E_CLOSURE_MOVE_TYPE_OPEN}}}
	frunk := &vcsec.UnsignedMessage{SubMessage: &vcsec.UnsignedMessage_ClosureMoveRequest{ClosureMoveRequest: &vcsec.ClosureMoveRequest{
		FrontTrunk: vcsec.ClosureMoveType_E_CLOSURE_MOVE_TYPE_OPEN}}}

	tests := []struct {
		name   string
		token  string
		body   map[string]string
		status int
	}{
		{"handshake", charging, signedMsg(t, infotainment, nil, false), 200},
		{"charge_start", charging, signedMsg(t, infotainment, chargeStart, false), 200},
		{"charge port", charging, signedMsg(t, vcsecDomain, chargePort, false), 200},
		{"honk", charging, signedMsg(t, infotainment, honk, false), 403},
		{"unlock", charging, signedMsg(t, vcsecDomain, unlock, false), 403},
		{"wake", charging, signedMsg(t, vcsecDomain, wake, false), 403},
		{"frunk", charging, signedMsg(t, vcsecDomain, frunk, false), 403},
		{"encrypted", charging, signedMsg(t, infotainment, chargeStart, true), 403},
		{"unlock with vehicle_cmds", e.tok, signedMsg(t, vcsecDomain, unlock, false), 200},
	}
	for _, tt := range tests {
		st, b := e.do("POST", "NA", path, tt.token, tt.body)
		if st != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, st, b, tt.status)
			continue
		}
		if st == 403 {
			wantBody(t, b, `{"response":null,"error":"Unauthorized missing scopes","error_description":""}`)
		}
	}
}
