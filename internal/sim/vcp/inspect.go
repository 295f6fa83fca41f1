package vcp

import (
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/carserver"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/signatures"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/vcsec"
	"google.golang.org/protobuf/proto"
)

// CommandNames reads what an encoded RoutableMessage would make a car do,
// the way the Fleet API looks into signed_command to enforce OAuth scopes:
// the REST names of the commands in its plaintext payload ("wake_up" for the
// VCSEC wake action). Handshakes, information requests and messages the car
// would reject without acting (undecodable ones) ask for no command.
// readable is false for an AES-GCM-encrypted payload, which the cloud
// cannot read.
func CommandNames(routableMessage []byte) (names []string, readable bool) {
	if len(routableMessage) > maxDecodeLen {
		return nil, true
	}
	var req universal.RoutableMessage
	if err := proto.Unmarshal(routableMessage, &req); err != nil {
		return nil, true
	}
	payload := req.GetProtobufMessageAsBytes()
	if payload == nil {
		return nil, true
	}
	if _, gcm := req.GetSignatureData().GetSigType().(*signatures.SignatureData_AES_GCM_PersonalizedData); gcm {
		return nil, false
	}
	var calls []call
	switch req.GetToDestination().GetDomain() {
	case universal.Domain_DOMAIN_VEHICLE_SECURITY:
		var msg vcsec.UnsignedMessage
		if proto.Unmarshal(payload, &msg) != nil {
			return nil, true
		}
		switch m := msg.GetSubMessage().(type) {
		case *vcsec.UnsignedMessage_RKEAction:
			if m.RKEAction == vcsec.RKEAction_E_RKE_ACTION_WAKE_VEHICLE {
				return []string{"wake_up"}, true
			}
			calls, _ = rkeCalls(m.RKEAction)
		case *vcsec.UnsignedMessage_ClosureMoveRequest:
			calls, _ = closureCalls(m.ClosureMoveRequest)
		}
	case universal.Domain_DOMAIN_INFOTAINMENT:
		var action carserver.Action
		if proto.Unmarshal(payload, &action) != nil {
			return nil, true
		}
		calls, _ = actionCalls(action.GetVehicleAction())
	}
	for _, c := range calls {
		names = append(names, c.name)
	}
	return names, true
}
