package vcp

// Test vectors. Unless noted, the values come from
// github.com/teslamotors/vehicle-command v0.4.1 pkg/protocol/protocol.md
// ("Test keys", "Handshake", "Key Agreement", "Response authentication",
// "Metadata serialization" and the AES-GCM "Turn HVAC on" example). The HMAC
// command vector was signed by the real SDK v0.4.1 with the same test keys
// and session.

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/carserver"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/signatures"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"google.golang.org/protobuf/proto"
)

const (
	vecVehiclePub  = "04c7a1f47138486aa4729971494878d33b1a24e39571f748a6e16c5955b3d877d3a6aaa0e955166474af5d32c410f439a2234137ad1bb085fd4e8813c958f11d97"
	vecClientPub   = "04b2b6bc68c2da0665ce656815594996c62394edd8bea905fe781a754fe6a845a714330902f225e9269d466e05b349981fda9d85cc23c6fb444aa73b629105dc6e"
	vecK           = "1b2fce19967b79db696f909cff89ea9a"
	vecInfoKey     = "fceb679ee7bca756fcd441bf238bf2f338629b41d9eb9c67be1b32c9672ce300"
	vecEpoch       = "4c463f9cc0d3d26906e982ed224adde6"
	vecUUID        = "1588d5a30eabc6f8fc9a951b11f6fd11"
	vecAddress     = "2c907bd76c640d360b3027dc7404efde"
	vecInfoMeta    = "000106021135594a333031323334353637383941424306101588d5a30eabc6f8fc9a951b11f6fd11ff"
	vecSessionInfo = "0806124104c7a1f47138486aa4729971494878d33b1a24e39571f748a6e16c5955b3d877d3a6aaa0e955166474af5d32c410f439a2234137ad1bb085fd4e8813c958f11d971a104c463f9cc0d3d26906e982ed224adde6255a0a0000"
	vecInfoTag     = "996c1fe38331be138f8039c194b14db2198846ed7d8251e6749284d7b32ea002"
	vecHvacOn      = "120452020801"
	vecGCMMeta     = "000105010103021135594a333031323334353637383941424303104c463f9cc0d3d26906e982ed224adde6040400000a5f050400000007ff"
	vecGCMNonce    = "dbf79447fa156674dae1caed"
	vecGCMCipher   = "38038e8c0f2e"
	vecGCMTag      = "8e128da165f162f4d7d2c8da866cf82a"
	// vehicle-command.md §3: HMAC-personalized ClimateOn, counter 7, expires_at 2655, flags 2.
	vecCmdKey   = "6d3a14d0b6d762e4f076739e2cf6edd291d2e56e3f25bc6a2af5cb26dc753b14"
	vecHMACMeta = "000108010103021135594a333031323334353637383941424303104c463f9cc0d3d26906e982ed224adde6040400000a5f050400000007070400000002ff"
	vecHMACTag  = "f3c24554a00e42160e6acef6dd4f1c8ef9c30ed6391ec818d75663bee00a47f0"
)

// vectorCar is a car whose Infotainment domain is in the documented state:
// the test vehicle key, epoch 4c463f9c…, clock 2650 and counter 6 for the
// test client key.
func vectorCar(t *testing.T) (*Car, *recorder, *fakeClock) {
	t.Helper()
	clk, rec := newFakeClock(), newRecorder()
	car := newTestCar(t, clk, rec)
	ds := car.domains[universal.Domain_DOMAIN_INFOTAINMENT]
	ds.priv = loadTestKey(t, "vehicle.key")
	ds.pub = ds.priv.PublicKey().Bytes()
	ds.epoch = mustHex(t, vecEpoch)
	ds.start = clk.Now().Add(-2650 * time.Second)
	client := mustHex(t, vecClientPub)
	if err := car.AddKey(client); err != nil {
		t.Fatal(err)
	}
	p, err := ds.peerFor(client)
	if err != nil {
		t.Fatal(err)
	}
	p.window.counter = 6
	return car, rec, clk
}

func TestVectorKeys(t *testing.T) {
	vehicle := loadTestKey(t, "vehicle.key")
	client := loadTestKey(t, "client.key")
	if got := hex.EncodeToString(vehicle.PublicKey().Bytes()); got != vecVehiclePub {
		t.Errorf("V = %s", got)
	}
	if got := hex.EncodeToString(client.PublicKey().Bytes()); got != vecClientPub {
		t.Errorf("C = %s", got)
	}
	k, err := sharedKey(vehicle, client.PublicKey().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(k); got != vecK {
		t.Errorf("K = %s, want %s", got, vecK)
	}
	p, err := newPeer(vehicle, client.PublicKey().Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(p.infoKey); got != vecInfoKey {
		t.Errorf("SESSION_INFO_KEY = %s", got)
	}
	if got := hex.EncodeToString(p.cmdKey); got != vecCmdKey {
		t.Errorf("K' = %s", got)
	}
}

func TestVectorMetadataTLV(t *testing.T) {
	tests := []struct {
		name  string
		build func(m *metadata)
		want  string
	}{
		{"vin", func(m *metadata) { m.add(tagPersonalization, []byte("abc")) }, "0203616263ff"},
		{"counter", func(m *metadata) { m.addUint32(tagCounter, 100) }, "050400000064ff"},
		{"serialize", func(m *metadata) {
			m.add(tagPersonalization, []byte("abc"))
			m.addUint32(tagCounter, 100)
		}, "0203616263050400000064ff"},
		{"session info", func(m *metadata) {
			m.addByte(tagSignatureType, byte(signatures.SignatureType_SIGNATURE_TYPE_HMAC))
			m.add(tagPersonalization, []byte(testVIN))
			m.add(tagChallenge, mustHex(t, vecUUID))
		}, vecInfoMeta},
		{"empty value omitted", func(m *metadata) {
			m.add(tagPersonalization, []byte("abc"))
			m.add(tagChallenge, nil)
		}, "0203616263ff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMetadata()
			tt.build(m)
			got, err := m.bytes()
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(got) != tt.want {
				t.Errorf("got %x, want %s", got, tt.want)
			}
		})
	}
}

func TestMetadataRejectsBadOrder(t *testing.T) {
	m := newMetadata()
	m.addUint32(tagCounter, 1)
	m.add(tagPersonalization, []byte("abc"))
	if _, err := m.bytes(); err == nil {
		t.Error("descending tags accepted")
	}
	m = newMetadata()
	m.add(tagPersonalization, make([]byte, 256))
	if _, err := m.bytes(); err == nil {
		t.Error("256-byte value accepted")
	}
}

func TestVectorHandshake(t *testing.T) {
	car, _, _ := vectorCar(t)
	req := marshal(t, &universal.RoutableMessage{
		ToDestination:   &universal.Destination{SubDestination: &universal.Destination_Domain{Domain: universal.Domain_DOMAIN_INFOTAINMENT}},
		FromDestination: &universal.Destination{SubDestination: &universal.Destination_RoutingAddress{RoutingAddress: mustHex(t, vecAddress)}},
		Payload: &universal.RoutableMessage_SessionInfoRequest{SessionInfoRequest: &universal.SessionInfoRequest{
			PublicKey: mustHex(t, vecClientPub),
		}},
		Uuid: mustHex(t, vecUUID),
	})
	reply := decodeReply(t, car.Handle(req))
	if got := hex.EncodeToString(reply.GetSessionInfo()); got != vecSessionInfo {
		t.Errorf("session_info = %s\nwant          %s", got, vecSessionInfo)
	}
	if got := hex.EncodeToString(reply.GetSignatureData().GetSessionInfoTag().GetTag()); got != vecInfoTag {
		t.Errorf("session_info_tag = %s, want %s", got, vecInfoTag)
	}
	if got := hex.EncodeToString(reply.GetRequestUuid()); got != vecUUID {
		t.Errorf("request_uuid = %s", got)
	}
	if got := hex.EncodeToString(reply.GetToDestination().GetRoutingAddress()); got != vecAddress {
		t.Errorf("to_destination = %s", got)
	}
	if got := reply.GetFromDestination().GetDomain(); got != universal.Domain_DOMAIN_INFOTAINMENT {
		t.Errorf("from_destination = %v", got)
	}
	if s := car.Stats(); s.Handshakes != 1 || s.Rejected != 0 {
		t.Errorf("stats = %+v", s)
	}
}

func TestVectorGCMCommand(t *testing.T) {
	// The document's ciphertext decrypts under K with AAD = SHA256(metadata).
	block, _ := aes.NewCipher(mustHex(t, vecK))
	aead, _ := cipher.NewGCM(block)
	aad := sha256.Sum256(mustHex(t, vecGCMMeta))
	sealed := append(mustHex(t, vecGCMCipher), mustHex(t, vecGCMTag)...)
	plain, err := aead.Open(nil, mustHex(t, vecGCMNonce), sealed, aad[:])
	if err != nil || hex.EncodeToString(plain) != vecHvacOn {
		t.Fatalf("document vector does not decrypt: %x %v", plain, err)
	}

	// The car builds the same metadata, decrypts and runs "HVAC on".
	car, rec, _ := vectorCar(t)
	req := marshal(t, &universal.RoutableMessage{
		ToDestination:   &universal.Destination{SubDestination: &universal.Destination_Domain{Domain: universal.Domain_DOMAIN_INFOTAINMENT}},
		FromDestination: &universal.Destination{SubDestination: &universal.Destination_RoutingAddress{RoutingAddress: mustHex(t, vecAddress)}},
		Payload:         &universal.RoutableMessage_ProtobufMessageAsBytes{ProtobufMessageAsBytes: mustHex(t, vecGCMCipher)},
		SubSigData: &universal.RoutableMessage_SignatureData{SignatureData: &signatures.SignatureData{
			SignerIdentity: &signatures.KeyIdentity{IdentityType: &signatures.KeyIdentity_PublicKey{PublicKey: mustHex(t, vecClientPub)}},
			SigType: &signatures.SignatureData_AES_GCM_PersonalizedData{AES_GCM_PersonalizedData: &signatures.AES_GCM_Personalized_Signature_Data{
				Epoch: mustHex(t, vecEpoch), Nonce: mustHex(t, vecGCMNonce), Counter: 7, ExpiresAt: 2655, Tag: mustHex(t, vecGCMTag),
			}},
		}},
		Uuid: mustHex(t, "58406580528b6a5301391800b4fe9b99"),
	})
	reply := decodeReply(t, car.Handle(req))
	if f := fault(reply); f != universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE {
		t.Fatalf("fault %v", f)
	}
	calls := rec.take()
	if len(calls) != 1 || calls[0].name != "auto_conditioning_start" {
		t.Fatalf("calls = %+v", calls)
	}
	var resp carserver.Response
	if err := proto.Unmarshal(reply.GetProtobufMessageAsBytes(), &resp); err != nil {
		t.Fatal(err)
	}
	if resp.GetActionStatus().GetResult() != carserver.OperationStatus_E_OPERATIONSTATUS_OK {
		t.Errorf("response = %v", &resp)
	}
}

func TestVectorHMACCommand(t *testing.T) {
	car, rec, _ := vectorCar(t)
	m := newMetadata()
	m.addByte(tagSignatureType, byte(signatures.SignatureType_SIGNATURE_TYPE_HMAC_PERSONALIZED))
	m.addByte(tagDomain, byte(universal.Domain_DOMAIN_INFOTAINMENT))
	m.add(tagPersonalization, []byte(testVIN))
	m.add(tagEpoch, mustHex(t, vecEpoch))
	m.addUint32(tagExpiresAt, 2655)
	m.addUint32(tagCounter, 7)
	m.addUint32(tagFlags, 2)
	md, _ := m.bytes()
	if hex.EncodeToString(md) != vecHMACMeta {
		t.Errorf("metadata = %x", md)
	}
	if got := hmacSHA256(mustHex(t, vecCmdKey), md, mustHex(t, vecHvacOn)); hex.EncodeToString(got) != vecHMACTag {
		t.Errorf("tag = %x", got)
	}

	requestUUID := randBytes(16)
	req := marshal(t, &universal.RoutableMessage{
		ToDestination:   &universal.Destination{SubDestination: &universal.Destination_Domain{Domain: universal.Domain_DOMAIN_INFOTAINMENT}},
		FromDestination: &universal.Destination{SubDestination: &universal.Destination_RoutingAddress{RoutingAddress: mustHex(t, vecAddress)}},
		Payload:         &universal.RoutableMessage_ProtobufMessageAsBytes{ProtobufMessageAsBytes: mustHex(t, vecHvacOn)},
		SubSigData: &universal.RoutableMessage_SignatureData{SignatureData: &signatures.SignatureData{
			SignerIdentity: &signatures.KeyIdentity{IdentityType: &signatures.KeyIdentity_PublicKey{PublicKey: mustHex(t, vecClientPub)}},
			SigType: &signatures.SignatureData_HMAC_PersonalizedData{HMAC_PersonalizedData: &signatures.HMAC_Personalized_Signature_Data{
				Epoch: mustHex(t, vecEpoch), Counter: 7, ExpiresAt: 2655, Tag: mustHex(t, vecHMACTag),
			}},
		}},
		Uuid:  requestUUID,
		Flags: 2,
	})
	reply := decodeReply(t, car.Handle(req))
	if f := fault(reply); f != universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE {
		t.Fatalf("fault %v", f)
	}
	if calls := rec.take(); len(calls) != 1 || calls[0].name != "auto_conditioning_start" {
		t.Fatalf("calls = %+v", calls)
	}

	// flags & 2: the reply is AES-GCM encrypted; decrypt it as a client does.
	rd := reply.GetSignatureData().GetAES_GCM_ResponseData()
	if rd == nil {
		t.Fatal("reply is not encrypted")
	}
	requestHash := append([]byte{byte(signatures.SignatureType_SIGNATURE_TYPE_HMAC_PERSONALIZED)}, mustHex(t, vecHMACTag)...)
	respMeta := bytes.Join([][]byte{
		tlv(0, []byte{9}), tlv(1, []byte{3}), tlv(2, []byte(testVIN)), tlv(5, u32(rd.GetCounter())),
		tlv(7, u32(0)), tlv(8, requestHash), tlv(9, u32(0)), {0xff},
	}, nil)
	aad := sha256.Sum256(respMeta)
	block, _ := aes.NewCipher(mustHex(t, vecK))
	aead, _ := cipher.NewGCM(block)
	plain, err := aead.Open(nil, rd.GetNonce(), append(reply.GetProtobufMessageAsBytes(), rd.GetTag()...), aad[:])
	if err != nil {
		t.Fatalf("reply does not decrypt: %v", err)
	}
	var resp carserver.Response
	if err := proto.Unmarshal(plain, &resp); err != nil || resp.GetActionStatus().GetResult() != carserver.OperationStatus_E_OPERATIONSTATUS_OK {
		t.Errorf("response = %v, %v", &resp, err)
	}
	if !bytes.Equal(reply.GetRequestUuid(), requestUUID) {
		t.Error("request_uuid not echoed")
	}
}
