package vcp

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/signatures"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"google.golang.org/protobuf/proto"
)

// fakeClock is a car wall clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// recorder is an Executor that records calls and refuses or fails on demand.
type recorder struct {
	mu     sync.Mutex
	calls  []call
	refuse map[string]string
	fail   map[string]error
	locked bool
	status BodyStatus // reported by BodyStatus, with Locked from locked
}

func newRecorder() *recorder {
	return &recorder{refuse: map[string]string{}, fail: map[string]error{}}
}

func (r *recorder) Execute(name string, params map[string]any) (bool, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, call{name: name, params: params})
	if err := r.fail[name]; err != nil {
		return false, "", err
	}
	if reason, ok := r.refuse[name]; ok {
		return false, reason, nil
	}
	switch name {
	case "door_lock":
		r.locked = true
	case "door_unlock":
		r.locked = false
	}
	return true, "", nil
}

func (r *recorder) BodyStatus() BodyStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := r.status
	st.Locked = r.locked
	return st
}

func (r *recorder) set(f func(*recorder)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	f(r)
}

func (r *recorder) take() []call {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

var _ StatusReader = (*recorder)(nil)

var errBoom = errors.New("boom")

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadTestKey reads one of the protocol.md test keys from testdata.
func loadTestKey(t testing.TB, name string) *ecdh.PrivateKey {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		t.Fatalf("%s: no PEM block", name)
	}
	k, err := x509.ParseECPrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := k.ECDH()
	if err != nil {
		t.Fatal(err)
	}
	return ek
}

func newTestCar(t testing.TB, clk *fakeClock, rec *recorder) *Car {
	t.Helper()
	car, err := NewCar(Options{VIN: testVIN, Seed: []byte("test seed"), Now: clk.Now, Exec: rec})
	if err != nil {
		t.Fatal(err)
	}
	return car
}

const testVIN = "5YJ30123456789ABC"

// tlv and the signer below are the test's own client, written from
// protocol.md independently of the package's metadata code.
func tlv(tag byte, v []byte) []byte { return append([]byte{tag, byte(len(v))}, v...) }

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// signer is a minimal protocol client for crafting (also invalid) messages.
type signer struct {
	t       testing.TB
	key     *ecdh.PrivateKey
	vin     string
	domain  universal.Domain
	k       []byte
	epoch   []byte
	clock   uint32
	counter uint32
}

func newSigner(t testing.TB, domain universal.Domain) *signer {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &signer{t: t, key: key, vin: testVIN, domain: domain}
}

func (s *signer) pub() []byte { return s.key.PublicKey().Bytes() }

func randBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func (s *signer) handshakeRequest(uuid []byte) []byte {
	return marshal(s.t, &universal.RoutableMessage{
		ToDestination:   &universal.Destination{SubDestination: &universal.Destination_Domain{Domain: s.domain}},
		FromDestination: &universal.Destination{SubDestination: &universal.Destination_RoutingAddress{RoutingAddress: randBytes(16)}},
		Payload: &universal.RoutableMessage_SessionInfoRequest{
			SessionInfoRequest: &universal.SessionInfoRequest{PublicKey: s.pub()},
		},
		Uuid: uuid,
	})
}

// handshake runs a session info exchange and checks the reply's tag.
func (s *signer) handshake(car *Car) {
	s.t.Helper()
	uuid := randBytes(16)
	reply := decodeReply(s.t, car.Handle(s.handshakeRequest(uuid)))
	if f := reply.GetSignedMessageStatus().GetSignedMessageFault(); f != 0 {
		s.t.Fatalf("handshake fault %v", f)
	}
	s.applySessionInfo(reply, uuid)
}

func (s *signer) applySessionInfo(reply *universal.RoutableMessage, challenge []byte) {
	s.t.Helper()
	encoded := reply.GetSessionInfo()
	var info signatures.SessionInfo
	if err := proto.Unmarshal(encoded, &info); err != nil {
		s.t.Fatal(err)
	}
	pub, err := ecdh.P256().NewPublicKey(info.GetPublicKey())
	if err != nil {
		s.t.Fatal(err)
	}
	shared, err := s.key.ECDH(pub)
	if err != nil {
		s.t.Fatal(err)
	}
	sum := sha1.Sum(shared)
	s.k = sum[:16]
	md := append(append(append(tlv(0, []byte{6}), tlv(2, []byte(s.vin))...), tlv(6, challenge)...), 0xff)
	mac := hmac.New(sha256.New, s.mac("session info"))
	mac.Write(md)
	mac.Write(encoded)
	if !hmac.Equal(mac.Sum(nil), reply.GetSignatureData().GetSessionInfoTag().GetTag()) {
		s.t.Fatal("session info tag does not verify")
	}
	s.epoch, s.clock, s.counter = info.GetEpoch(), info.GetClockTime(), info.GetCounter()
}

func (s *signer) mac(label string) []byte {
	h := hmac.New(sha256.New, s.k)
	h.Write([]byte(label))
	return h.Sum(nil)
}

// msgOpts overrides the defaults of a signed command.
type msgOpts struct {
	counter   uint32 // 0 = next counter
	zero      bool   // send counter 0
	expiresAt uint32 // 0 = clock+10
	noExpiry  bool
	epoch     []byte // nil = session epoch
	flags     uint32
	gcm       bool
	vin       string // personalization override
	uuid      []byte
}

// command signs payload (HMAC-SHA256 personalized by default).
func (s *signer) command(payload []byte, o msgOpts) []byte {
	counter := o.counter
	if counter == 0 && !o.zero {
		s.counter++
		counter = s.counter
	}
	expires := o.expiresAt
	if expires == 0 && !o.noExpiry {
		expires = s.clock + 10
	}
	epoch := s.epoch
	if o.epoch != nil {
		epoch = o.epoch
	}
	vin := s.vin
	if o.vin != "" {
		vin = o.vin
	}
	sigType := byte(signatures.SignatureType_SIGNATURE_TYPE_HMAC_PERSONALIZED)
	if o.gcm {
		sigType = byte(signatures.SignatureType_SIGNATURE_TYPE_AES_GCM_PERSONALIZED)
	}
	md := tlv(0, []byte{sigType})
	md = append(md, tlv(1, []byte{byte(s.domain)})...)
	md = append(md, tlv(2, []byte(vin))...)
	md = append(md, tlv(3, epoch)...)
	md = append(md, tlv(4, u32(expires))...)
	md = append(md, tlv(5, u32(counter))...)
	if o.flags != 0 {
		md = append(md, tlv(7, u32(o.flags))...)
	}
	md = append(md, 0xff)
	uuid := o.uuid
	if uuid == nil {
		uuid = randBytes(16)
	}
	msg := &universal.RoutableMessage{
		ToDestination:   &universal.Destination{SubDestination: &universal.Destination_Domain{Domain: s.domain}},
		FromDestination: &universal.Destination{SubDestination: &universal.Destination_RoutingAddress{RoutingAddress: randBytes(16)}},
		Uuid:            uuid,
		Flags:           o.flags,
	}
	id := &signatures.KeyIdentity{IdentityType: &signatures.KeyIdentity_PublicKey{PublicKey: s.pub()}}
	if o.gcm {
		block, _ := aes.NewCipher(s.k)
		aead, _ := cipher.NewGCM(block)
		nonce := randBytes(12)
		aad := sha256.Sum256(md)
		sealed := aead.Seal(nil, nonce, payload, aad[:])
		msg.Payload = &universal.RoutableMessage_ProtobufMessageAsBytes{ProtobufMessageAsBytes: sealed[:len(sealed)-16]}
		msg.SubSigData = &universal.RoutableMessage_SignatureData{SignatureData: &signatures.SignatureData{
			SignerIdentity: id,
			SigType: &signatures.SignatureData_AES_GCM_PersonalizedData{AES_GCM_PersonalizedData: &signatures.AES_GCM_Personalized_Signature_Data{
				Epoch: epoch, Nonce: nonce, Counter: counter, ExpiresAt: expires, Tag: sealed[len(sealed)-16:],
			}},
		}}
		return marshal(s.t, msg)
	}
	mac := hmac.New(sha256.New, s.mac("authenticated command"))
	mac.Write(md)
	mac.Write(payload)
	msg.Payload = &universal.RoutableMessage_ProtobufMessageAsBytes{ProtobufMessageAsBytes: payload}
	msg.SubSigData = &universal.RoutableMessage_SignatureData{SignatureData: &signatures.SignatureData{
		SignerIdentity: id,
		SigType: &signatures.SignatureData_HMAC_PersonalizedData{HMAC_PersonalizedData: &signatures.HMAC_Personalized_Signature_Data{
			Epoch: epoch, Counter: counter, ExpiresAt: expires, Tag: mac.Sum(nil),
		}},
	}}
	return marshal(s.t, msg)
}

func marshal(t testing.TB, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeReply(t testing.TB, b []byte) *universal.RoutableMessage {
	t.Helper()
	var m universal.RoutableMessage
	if err := proto.Unmarshal(b, &m); err != nil {
		t.Fatalf("reply does not parse: %v", err)
	}
	return &m
}

func fault(m *universal.RoutableMessage) universal.MessageFault_E {
	return m.GetSignedMessageStatus().GetSignedMessageFault()
}
