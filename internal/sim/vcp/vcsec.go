package vcp

import (
	"bytes"

	vcerrors "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/errors"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/keys"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/vcsec"
	"google.golang.org/protobuf/proto"
)

// BodyStatus is what the body controller (VCSEC) reports in its
// VehicleStatus: the lock state, sleep status, user presence and which
// closures are open.
type BodyStatus struct {
	Locked      bool
	Asleep      bool
	UserPresent bool
	Open        Closures
}

// Closures lists which closures are open (false = closed).
type Closures struct {
	FrontDriverDoor, FrontPassengerDoor, RearDriverDoor, RearPassengerDoor bool
	FrontTrunk, RearTrunk, ChargePort                                      bool
}

// StatusReader may be implemented by an Executor so that VCSEC status
// requests report the vehicle's real state; without it the status says only
// that the car is awake (it answered).
type StatusReader interface {
	BodyStatus() BodyStatus
}

// vcsecCommand runs a VCSEC UnsignedMessage and encodes the
// FromVCSECMessage reply. Only information requests are allowed unsigned.
// An empty reply means success; refusals are nominal errors.
func (c *Car) vcsecCommand(payload []byte, signed bool) ([]byte, universal.MessageFault_E) {
	var msg vcsec.UnsignedMessage
	if err := proto.Unmarshal(payload, &msg); err != nil {
		return nil, universal.MessageFault_E_MESSAGEFAULT_ERROR_DECODING
	}
	var resp *vcsec.FromVCSECMessage
	switch m := msg.GetSubMessage().(type) {
	case *vcsec.UnsignedMessage_InformationRequest:
		resp = c.information(m.InformationRequest)
	case *vcsec.UnsignedMessage_RKEAction:
		if !signed {
			return nil, universal.MessageFault_E_MESSAGEFAULT_ERROR_BAD_PARAMETER
		}
		resp = c.runVCSEC(rkeCalls(m.RKEAction))
	case *vcsec.UnsignedMessage_ClosureMoveRequest:
		if !signed {
			return nil, universal.MessageFault_E_MESSAGEFAULT_ERROR_BAD_PARAMETER
		}
		resp = c.runVCSEC(closureCalls(m.ClosureMoveRequest))
	case *vcsec.UnsignedMessage_WhitelistOperation:
		if !signed {
			return nil, universal.MessageFault_E_MESSAGEFAULT_ERROR_BAD_PARAMETER
		}
		// Keys are managed over BLE (or the pairing link), never over the internet.
		resp = nominal(vcerrors.GenericError_E_GENERICERROR_NOT_ALLOWED_OVER_TRANSPORT)
	default:
		resp = nominal(vcerrors.GenericError_E_GENERICERROR_UNKNOWN)
	}
	out, err := proto.Marshal(resp)
	if err != nil {
		return nil, universal.MessageFault_E_MESSAGEFAULT_ERROR_INTERNAL
	}
	return out, universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE
}

func nominal(code vcerrors.GenericError_E) *vcsec.FromVCSECMessage {
	return &vcsec.FromVCSECMessage{SubMessage: &vcsec.FromVCSECMessage_NominalError{
		NominalError: &vcerrors.NominalError{GenericError: code},
	}}
}

// runVCSEC executes the calls of a supported action; an unsupported action
// or a refusal becomes a nominal error.
func (c *Car) runVCSEC(calls []call, supported bool) *vcsec.FromVCSECMessage {
	if !supported {
		return nominal(vcerrors.GenericError_E_GENERICERROR_UNKNOWN)
	}
	if ok, _ := c.run(calls); !ok {
		return nominal(vcerrors.GenericError_E_GENERICERROR_UNKNOWN)
	}
	return &vcsec.FromVCSECMessage{}
}

// rkeCalls maps a keyfob-style action to REST commands. Waking needs no
// command: the car answering is awake.
func rkeCalls(a vcsec.RKEAction_E) ([]call, bool) {
	switch a {
	case vcsec.RKEAction_E_RKE_ACTION_UNLOCK:
		return []call{{name: "door_unlock"}}, true
	case vcsec.RKEAction_E_RKE_ACTION_LOCK, vcsec.RKEAction_E_RKE_ACTION_AUTO_SECURE_VEHICLE:
		return []call{{name: "door_lock"}}, true
	case vcsec.RKEAction_E_RKE_ACTION_REMOTE_DRIVE:
		return []call{{name: "remote_start_drive"}}, true
	case vcsec.RKEAction_E_RKE_ACTION_WAKE_VEHICLE:
		return nil, true
	}
	return nil, false
}

// closureCalls maps a closure move request to REST commands, one per closure
// named in it. Doors cannot be moved remotely and the frunk cannot be closed.
func closureCalls(r *vcsec.ClosureMoveRequest) ([]call, bool) {
	const (
		none   = vcsec.ClosureMoveType_E_CLOSURE_MOVE_TYPE_NONE
		move   = vcsec.ClosureMoveType_E_CLOSURE_MOVE_TYPE_MOVE
		stop   = vcsec.ClosureMoveType_E_CLOSURE_MOVE_TYPE_STOP
		opens  = vcsec.ClosureMoveType_E_CLOSURE_MOVE_TYPE_OPEN
		closes = vcsec.ClosureMoveType_E_CLOSURE_MOVE_TYPE_CLOSE
	)
	if r.GetFrontDriverDoor() != none || r.GetFrontPassengerDoor() != none ||
		r.GetRearDriverDoor() != none || r.GetRearPassengerDoor() != none {
		return nil, false
	}
	var calls []call
	switch r.GetRearTrunk() {
	case none:
	case move, opens, closes:
		calls = append(calls, call{"actuate_trunk", map[string]any{"which_trunk": "rear"}})
	default:
		return nil, false
	}
	switch r.GetFrontTrunk() {
	case none:
	case move, opens:
		calls = append(calls, call{"actuate_trunk", map[string]any{"which_trunk": "front"}})
	default:
		return nil, false
	}
	switch r.GetChargePort() {
	case none:
	case move, opens:
		calls = append(calls, call{name: "charge_port_door_open"})
	case closes:
		calls = append(calls, call{name: "charge_port_door_close"})
	default:
		return nil, false
	}
	switch r.GetTonneau() {
	case none:
	case move, opens:
		calls = append(calls, call{name: "open_tonneau"})
	case closes:
		calls = append(calls, call{name: "close_tonneau"})
	case stop:
		calls = append(calls, call{name: "stop_tonneau"})
	default:
		return nil, false
	}
	return calls, true
}

// information answers GET_STATUS, GET_WHITELIST_INFO and
// GET_WHITELIST_ENTRY_INFO.
func (c *Car) information(r *vcsec.InformationRequest) *vcsec.FromVCSECMessage {
	switch r.GetInformationRequestType() {
	case vcsec.InformationRequestType_INFORMATION_REQUEST_TYPE_GET_STATUS:
		status := &vcsec.VehicleStatus{VehicleSleepStatus: vcsec.VehicleSleepStatus_E_VEHICLE_SLEEP_STATUS_AWAKE}
		if sr, ok := c.exec.(StatusReader); ok {
			status = vehicleStatus(sr.BodyStatus())
		}
		return &vcsec.FromVCSECMessage{SubMessage: &vcsec.FromVCSECMessage_VehicleStatus{VehicleStatus: status}}
	case vcsec.InformationRequestType_INFORMATION_REQUEST_TYPE_GET_WHITELIST_INFO:
		keyList := c.Keys()
		info := &vcsec.WhitelistInfo{NumberOfEntries: uint32(len(keyList))}
		for i, k := range keyList {
			info.WhitelistEntries = append(info.WhitelistEntries, &vcsec.KeyIdentifier{PublicKeySHA1: keyID(k)})
			info.SlotMask |= 1 << uint(i)
		}
		return &vcsec.FromVCSECMessage{SubMessage: &vcsec.FromVCSECMessage_WhitelistInfo{WhitelistInfo: info}}
	case vcsec.InformationRequestType_INFORMATION_REQUEST_TYPE_GET_WHITELIST_ENTRY_INFO:
		keyList := c.Keys()
		for i, k := range keyList {
			if entryMatches(r, k, uint32(i)) {
				return &vcsec.FromVCSECMessage{SubMessage: &vcsec.FromVCSECMessage_WhitelistEntryInfo{
					WhitelistEntryInfo: &vcsec.WhitelistEntryInfo{
						KeyId:          &vcsec.KeyIdentifier{PublicKeySHA1: keyID(k)},
						PublicKey:      &vcsec.PublicKey{PublicKeyRaw: k},
						MetadataForKey: &vcsec.KeyMetadata{KeyFormFactor: vcsec.KeyFormFactor_KEY_FORM_FACTOR_CLOUD_KEY},
						Slot:           uint32(i),
						KeyRole:        keys.Role_ROLE_OWNER,
					},
				}}
			}
		}
	}
	return nominal(vcerrors.GenericError_E_GENERICERROR_UNKNOWN)
}

func entryMatches(r *vcsec.InformationRequest, key []byte, slot uint32) bool {
	switch k := r.GetKey().(type) {
	case *vcsec.InformationRequest_Slot:
		return k.Slot == slot
	case *vcsec.InformationRequest_PublicKey:
		return bytes.Equal(k.PublicKey, key)
	case *vcsec.InformationRequest_KeyId:
		return bytes.Equal(k.KeyId.GetPublicKeySHA1(), keyID(key))
	}
	return false
}

// vehicleStatus encodes a BodyStatus as VCSEC's VehicleStatus.
func vehicleStatus(b BodyStatus) *vcsec.VehicleStatus {
	closure := func(open bool) vcsec.ClosureState_E {
		if open {
			return vcsec.ClosureState_E_CLOSURESTATE_OPEN
		}
		return vcsec.ClosureState_E_CLOSURESTATE_CLOSED
	}
	st := &vcsec.VehicleStatus{
		ClosureStatuses: &vcsec.ClosureStatuses{
			FrontDriverDoor:    closure(b.Open.FrontDriverDoor),
			FrontPassengerDoor: closure(b.Open.FrontPassengerDoor),
			RearDriverDoor:     closure(b.Open.RearDriverDoor),
			RearPassengerDoor:  closure(b.Open.RearPassengerDoor),
			FrontTrunk:         closure(b.Open.FrontTrunk),
			RearTrunk:          closure(b.Open.RearTrunk),
			ChargePort:         closure(b.Open.ChargePort),
		},
		VehicleLockState:   vcsec.VehicleLockState_E_VEHICLELOCKSTATE_UNLOCKED,
		VehicleSleepStatus: vcsec.VehicleSleepStatus_E_VEHICLE_SLEEP_STATUS_AWAKE,
		UserPresence:       vcsec.UserPresence_E_VEHICLE_USER_PRESENCE_NOT_PRESENT,
	}
	if b.Locked {
		st.VehicleLockState = vcsec.VehicleLockState_E_VEHICLELOCKSTATE_LOCKED
	}
	if b.Asleep {
		st.VehicleSleepStatus = vcsec.VehicleSleepStatus_E_VEHICLE_SLEEP_STATUS_ASLEEP
	}
	if b.UserPresent {
		st.UserPresence = vcsec.UserPresence_E_VEHICLE_USER_PRESENCE_PRESENT
	}
	return st
}
