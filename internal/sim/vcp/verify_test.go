package vcp

import (
	"bytes"
	"testing"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/carserver"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/signatures"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/vcsec"
	"google.golang.org/protobuf/proto"
)

const (
	faultNone      = universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE
	faultBadParam  = universal.MessageFault_E_MESSAGEFAULT_ERROR_BAD_PARAMETER
	faultUnknown   = universal.MessageFault_E_MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID
	faultDomains   = universal.MessageFault_E_MESSAGEFAULT_ERROR_INVALID_DOMAINS
	faultEpoch     = universal.MessageFault_E_MESSAGEFAULT_ERROR_INCORRECT_EPOCH
	faultExpired   = universal.MessageFault_E_MESSAGEFAULT_ERROR_TIME_EXPIRED
	faultTTL       = universal.MessageFault_E_MESSAGEFAULT_ERROR_TIME_TO_LIVE_TOO_LONG
	faultSignature = universal.MessageFault_E_MESSAGEFAULT_ERROR_INVALID_SIGNATURE
	faultCounter   = universal.MessageFault_E_MESSAGEFAULT_ERROR_INVALID_TOKEN_OR_COUNTER
	faultIV        = universal.MessageFault_E_MESSAGEFAULT_ERROR_IV_INCORRECT_LENGTH
	faultDecoding  = universal.MessageFault_E_MESSAGEFAULT_ERROR_DECODING
	faultMTU       = universal.MessageFault_E_MESSAGEFAULT_ERROR_REQUEST_MTU_EXCEEDED
)

func hvacOn(t testing.TB) []byte {
	return marshal(t, &carserver.Action{ActionMsg: &carserver.Action_VehicleAction{VehicleAction: &carserver.VehicleAction{
		VehicleActionMsg: &carserver.VehicleAction_HvacAutoAction{HvacAutoAction: &carserver.HvacAutoAction{PowerOn: true}},
	}}})
}

func rke(t testing.TB, a vcsec.RKEAction_E) []byte {
	return marshal(t, &vcsec.UnsignedMessage{SubMessage: &vcsec.UnsignedMessage_RKEAction{RKEAction: a}})
}

// edit decodes a message, lets f change it and encodes it again.
func edit(t testing.TB, b []byte, f func(m *universal.RoutableMessage)) []byte {
	var m universal.RoutableMessage
	if err := proto.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	f(&m)
	return marshal(t, &m)
}

func TestVerificationOrder(t *testing.T) {
	info := universal.Domain_DOMAIN_INFOTAINMENT
	tests := []struct {
		name     string
		domain   universal.Domain
		msgs     func(t *testing.T, s *signer, clk *fakeClock) [][]byte // all but the last must succeed
		want     universal.MessageFault_E
		withInfo bool
		execs    int  // successful Executor calls in total
		noResync bool // the attached session info is another domain's
	}{
		{"hmac ok", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{})}
		}, faultNone, false, 1, false},
		{"gcm ok", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{gcm: true, flags: 2})}
		}, faultNone, false, 1, false},
		{"vcsec ok", universal.Domain_DOMAIN_VEHICLE_SECURITY, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(rke(t, vcsec.RKEAction_E_RKE_ACTION_LOCK), msgOpts{flags: 2})}
		}, faultNone, false, 1, false},
		{"no signature", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(hvacOn(t), msgOpts{}), func(m *universal.RoutableMessage) { m.SubSigData = nil })}
		}, faultBadParam, false, 0, false},
		{"session info tag as signature", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(hvacOn(t), msgOpts{}), func(m *universal.RoutableMessage) {
				m.GetSignatureData().SigType = &signatures.SignatureData_SessionInfoTag{SessionInfoTag: &signatures.HMAC_Signature_Data{Tag: []byte{1}}}
			})}
		}, faultBadParam, false, 0, false},
		{"unknown key", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			other := newSigner(t, info)
			other.k, other.epoch, other.clock = s.k, s.epoch, s.clock
			return [][]byte{other.command(hvacOn(t), msgOpts{})}
		}, faultUnknown, false, 0, false},
		{"broadcast domain", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(hvacOn(t), msgOpts{}), func(m *universal.RoutableMessage) {
				m.ToDestination = &universal.Destination{SubDestination: &universal.Destination_Domain{Domain: universal.Domain_DOMAIN_BROADCAST}}
			})}
		}, faultDomains, false, 0, false},
		{"routing address as destination", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(hvacOn(t), msgOpts{}), func(m *universal.RoutableMessage) {
				m.ToDestination = &universal.Destination{SubDestination: &universal.Destination_RoutingAddress{RoutingAddress: randBytes(16)}}
			})}
		}, faultDomains, false, 0, false},
		{"signed for the other domain", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(hvacOn(t), msgOpts{}), func(m *universal.RoutableMessage) {
				m.ToDestination = &universal.Destination{SubDestination: &universal.Destination_Domain{Domain: universal.Domain_DOMAIN_VEHICLE_SECURITY}}
				m.GetSignatureData().GetHMAC_PersonalizedData().Epoch = nil
			})}
		}, faultSignature, true, 0, true},
		{"wrong epoch", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{epoch: randBytes(16)})}
		}, faultEpoch, true, 0, false},
		{"expired", info, func(t *testing.T, s *signer, clk *fakeClock) [][]byte {
			clk.Advance(100 * time.Second)
			return [][]byte{s.command(hvacOn(t), msgOpts{})}
		}, faultExpired, true, 0, false},
		{"expiry beyond 2^30", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{expiresAt: 1<<30 + 1})}
		}, faultBadParam, true, 0, false},
		{"counter 0 without expiry", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{zero: true, noExpiry: true})}
		}, faultTTL, true, 0, false},
		{"counter 0 with long expiry", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{zero: true, expiresAt: s.clock + 31})}
		}, faultTTL, true, 0, false},
		{"counter 0 with short expiry", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{zero: true, expiresAt: s.clock + 30})}
		}, faultNone, false, 1, false},
		{"in order with long expiry", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{expiresAt: s.clock + 3600})}
		}, faultNone, false, 1, false},
		{"out of order within window", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{counter: 10}), s.command(hvacOn(t), msgOpts{counter: 3})}
		}, faultNone, false, 2, false},
		{"out of order with long expiry", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{counter: 10}), s.command(hvacOn(t), msgOpts{counter: 3, expiresAt: s.clock + 60})}
		}, faultTTL, true, 1, false},
		{"counter behind the window", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{counter: 40}), s.command(hvacOn(t), msgOpts{counter: 7})}
		}, faultCounter, true, 1, false},
		{"replay", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			m := s.command(hvacOn(t), msgOpts{})
			return [][]byte{m, m}
		}, faultCounter, true, 1, false},
		{"vcsec replay", universal.Domain_DOMAIN_VEHICLE_SECURITY, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			m := s.command(rke(t, vcsec.RKEAction_E_RKE_ACTION_UNLOCK), msgOpts{})
			return [][]byte{m, m}
		}, faultCounter, true, 1, false},
		{"wrong VIN", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{vin: "5YJ3E1EA7KF000000"})}
		}, faultSignature, true, 0, false},
		{"flags changed in transit", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(hvacOn(t), msgOpts{flags: 2}), func(m *universal.RoutableMessage) { m.Flags = 0 })}
		}, faultSignature, true, 0, false},
		{"bad mac", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(hvacOn(t), msgOpts{}), func(m *universal.RoutableMessage) {
				m.GetSignatureData().GetHMAC_PersonalizedData().Tag[0] ^= 1
			})}
		}, faultSignature, true, 0, false},
		{"bad gcm tag", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(hvacOn(t), msgOpts{gcm: true}), func(m *universal.RoutableMessage) {
				m.GetSignatureData().GetAES_GCM_PersonalizedData().Tag[0] ^= 1
			})}
		}, faultSignature, true, 0, false},
		{"short gcm nonce", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(hvacOn(t), msgOpts{gcm: true}), func(m *universal.RoutableMessage) {
				d := m.GetSignatureData().GetAES_GCM_PersonalizedData()
				d.Nonce = d.Nonce[:11]
			})}
		}, faultIV, false, 0, false},
		{"authenticated garbage payload", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command([]byte{0xff, 0xff, 0xff}, msgOpts{})}
		}, faultDecoding, false, 0, false},
		{"oversized uuid", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{s.command(hvacOn(t), msgOpts{uuid: make([]byte, 17)})}
		}, faultMTU, false, 0, false},
		{"oversized message", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			name := marshal(t, &carserver.Action{ActionMsg: &carserver.Action_VehicleAction{VehicleAction: &carserver.VehicleAction{
				VehicleActionMsg: &carserver.VehicleAction_SetVehicleNameAction{SetVehicleNameAction: &carserver.SetVehicleNameAction{
					VehicleName: string(bytes.Repeat([]byte("x"), maxMessageLen)),
				}},
			}}})
			return [][]byte{s.command(name, msgOpts{})}
		}, faultMTU, false, 0, false},
		{"undecodable", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{{0x0a, 0xff, 0xff}}
		}, faultDecoding, false, 0, false},
		{"unsigned infotainment", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(hvacOn(t), msgOpts{}), func(m *universal.RoutableMessage) { m.SubSigData = nil })}
		}, faultBadParam, false, 0, false},
		{"unsigned rke", universal.Domain_DOMAIN_VEHICLE_SECURITY, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(rke(t, vcsec.RKEAction_E_RKE_ACTION_UNLOCK), msgOpts{}), func(m *universal.RoutableMessage) { m.SubSigData = nil })}
		}, faultBadParam, false, 0, false},
		{"no payload", info, func(t *testing.T, s *signer, _ *fakeClock) [][]byte {
			return [][]byte{edit(t, s.command(hvacOn(t), msgOpts{}), func(m *universal.RoutableMessage) { m.Payload = nil })}
		}, faultBadParam, false, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk, rec := newFakeClock(), newRecorder()
			car := newTestCar(t, clk, rec)
			clk.Advance(500 * time.Second) // a clock that is not at zero
			s := newSigner(t, tt.domain)
			if err := car.AddKey(s.pub()); err != nil {
				t.Fatal(err)
			}
			s.handshake(car)
			msgs := tt.msgs(t, s, clk)
			for i, m := range msgs {
				reply := decodeReply(t, car.Handle(m))
				if i < len(msgs)-1 {
					if f := fault(reply); f != faultNone {
						t.Fatalf("message %d: fault %v", i, f)
					}
					continue
				}
				if f := fault(reply); f != tt.want {
					t.Fatalf("fault = %v, want %v", f, tt.want)
				}
				hasInfo := reply.GetSessionInfo() != nil
				if hasInfo != tt.withInfo {
					t.Errorf("session info attached = %v, want %v", hasInfo, tt.withInfo)
				}
				if hasInfo && !tt.noResync {
					// Signed with the request's uuid as challenge; the client can resync.
					var req universal.RoutableMessage
					_ = proto.Unmarshal(m, &req)
					s.applySessionInfo(reply, req.GetUuid())
					if f := fault(decodeReply(t, car.Handle(s.command(hvacOn(t), msgOpts{})))); s.domain == info && f != faultNone {
						t.Errorf("after resync: fault %v", f)
					}
				}
				if tt.want != faultNone && reply.GetProtobufMessageAsBytes() != nil {
					t.Error("fault reply carries a payload")
				}
			}
			calls := rec.take()
			if tt.withInfo && !tt.noResync && tt.domain == info {
				calls = calls[:len(calls)-1] // the resync command
			}
			if len(calls) != tt.execs {
				t.Errorf("executor calls = %+v, want %d", calls, tt.execs)
			}
			st := car.Stats()
			if tt.want != faultNone && st.Rejected != 1 {
				t.Errorf("rejected = %d, want 1", st.Rejected)
			}
		})
	}
}

func TestHandshakeFaults(t *testing.T) {
	car := newTestCar(t, newFakeClock(), newRecorder())
	s := newSigner(t, universal.Domain_DOMAIN_INFOTAINMENT)

	reply := decodeReply(t, car.Handle(s.handshakeRequest(randBytes(16))))
	if f := fault(reply); f != faultUnknown {
		t.Errorf("unpaired handshake: fault %v", f)
	}
	if reply.GetSessionInfo() != nil {
		t.Error("unpaired handshake got session info")
	}
	bad := edit(t, s.handshakeRequest(randBytes(16)), func(m *universal.RoutableMessage) {
		m.GetSessionInfoRequest().PublicKey = []byte{4, 1, 2}
	})
	if f := fault(decodeReply(t, car.Handle(bad))); f != faultBadParam {
		t.Errorf("short key: fault %v", f)
	}
	if st := car.Stats(); st.Handshakes != 0 || st.Rejected != 2 {
		t.Errorf("stats = %+v", st)
	}
}

func TestRebootGivesIncorrectEpoch(t *testing.T) {
	for _, name := range []string{"infotainment", ""} {
		clk, rec := newFakeClock(), newRecorder()
		car := newTestCar(t, clk, rec)
		s := newSigner(t, universal.Domain_DOMAIN_INFOTAINMENT)
		_ = car.AddKey(s.pub())
		s.handshake(car)
		car.Reboot("vcsec")
		if f := fault(decodeReply(t, car.Handle(s.command(hvacOn(t), msgOpts{})))); f != faultNone {
			t.Fatalf("vcsec reboot broke infotainment: %v", f)
		}
		car.Reboot(name)
		if f := fault(decodeReply(t, car.Handle(s.command(hvacOn(t), msgOpts{})))); f != faultEpoch {
			t.Errorf("Reboot(%q): fault %v, want INCORRECT_EPOCH", name, f)
		}
	}
}

func TestUnsignedStatus(t *testing.T) {
	clk, rec := newFakeClock(), newRecorder()
	car := newTestCar(t, clk, rec)
	rec.set(func(r *recorder) { r.locked = true })
	s := newSigner(t, universal.Domain_DOMAIN_VEHICLE_SECURITY)
	req := marshal(t, &universal.RoutableMessage{
		ToDestination:   &universal.Destination{SubDestination: &universal.Destination_Domain{Domain: universal.Domain_DOMAIN_VEHICLE_SECURITY}},
		FromDestination: &universal.Destination{SubDestination: &universal.Destination_RoutingAddress{RoutingAddress: randBytes(16)}},
		Payload: &universal.RoutableMessage_ProtobufMessageAsBytes{ProtobufMessageAsBytes: marshal(t, &vcsec.UnsignedMessage{
			SubMessage: &vcsec.UnsignedMessage_InformationRequest{InformationRequest: &vcsec.InformationRequest{}},
		})},
		Uuid: randBytes(16),
	})
	_ = s
	reply := decodeReply(t, car.Handle(req))
	var from vcsec.FromVCSECMessage
	if err := proto.Unmarshal(reply.GetProtobufMessageAsBytes(), &from); err != nil {
		t.Fatal(err)
	}
	if from.GetVehicleStatus().GetVehicleLockState() != vcsec.VehicleLockState_E_VEHICLELOCKSTATE_LOCKED {
		t.Errorf("status = %v", &from)
	}

	// Sleep, presence and closures come from the executor too.
	rec.set(func(r *recorder) {
		r.locked = false
		r.status = BodyStatus{Asleep: true, UserPresent: true, Open: Closures{RearTrunk: true, ChargePort: true}}
	})
	reply = decodeReply(t, car.Handle(req))
	if err := proto.Unmarshal(reply.GetProtobufMessageAsBytes(), &from); err != nil {
		t.Fatal(err)
	}
	st := from.GetVehicleStatus()
	cs := st.GetClosureStatuses()
	open, closed := vcsec.ClosureState_E_CLOSURESTATE_OPEN, vcsec.ClosureState_E_CLOSURESTATE_CLOSED
	if st.GetVehicleLockState() != vcsec.VehicleLockState_E_VEHICLELOCKSTATE_UNLOCKED ||
		st.GetVehicleSleepStatus() != vcsec.VehicleSleepStatus_E_VEHICLE_SLEEP_STATUS_ASLEEP ||
		st.GetUserPresence() != vcsec.UserPresence_E_VEHICLE_USER_PRESENCE_PRESENT ||
		cs.GetRearTrunk() != open || cs.GetChargePort() != open || cs.GetFrontTrunk() != closed {
		t.Errorf("status = %v", st)
	}
}
