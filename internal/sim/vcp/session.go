package vcp

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"math"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/signatures"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"google.golang.org/protobuf/proto"
)

// maxClock is the clock value (seconds) at which a domain starts a new epoch,
// as a car does long before its uint32 clock could wrap.
const maxClock = 1 << 30

// domainState is one security controller (VCSEC or Infotainment): its static
// key pair, its current epoch and clock, and one peer per paired key in use.
type domainState struct {
	domain universal.Domain
	priv   *ecdh.PrivateKey
	pub    []byte // 65-byte uncompressed public key
	epoch  []byte // 16 random bytes, new at every boot
	start  time.Time
	peers  map[string]*peer
	// respCounter numbers encrypted responses; it only ever increases.
	respCounter uint32
}

// peer is the verifier state for one paired client key in one domain.
type peer struct {
	cmdKey  []byte      // K' = HMAC-SHA256(K, "authenticated command")
	infoKey []byte      // HMAC-SHA256(K, "session info")
	aead    cipher.AEAD // AES-128-GCM keyed with K
	window  replayWindow
}

func newDomainState(domain universal.Domain, priv *ecdh.PrivateKey, now time.Time) *domainState {
	d := &domainState{
		domain: domain,
		priv:   priv,
		pub:    priv.PublicKey().Bytes(),
		peers:  make(map[string]*peer),
	}
	d.reboot(now)
	return d
}

// reboot starts a new epoch with the clock at zero; every peer's counter
// restarts, as after a controller restart.
func (d *domainState) reboot(now time.Time) {
	epoch := make([]byte, 16)
	_, _ = rand.Read(epoch) // crypto/rand.Read never fails
	d.epoch = epoch
	d.start = now
	for _, p := range d.peers {
		p.window = replayWindow{}
	}
}

// clock returns the domain's time in whole seconds since the epoch began.
// A wall clock that went backwards, or an epoch that grew too old, starts a
// new epoch.
func (d *domainState) clock(now time.Time) uint32 {
	elapsed := now.Sub(d.start)
	if elapsed < 0 || elapsed >= maxClock*time.Second {
		d.reboot(now)
		return 0
	}
	return uint32(elapsed / time.Second)
}

// peerFor returns the verifier state of a paired key, deriving the session
// keys on first use. The caller has checked that the key is paired.
func (d *domainState) peerFor(publicKey []byte) (*peer, error) {
	if p, ok := d.peers[string(publicKey)]; ok {
		return p, nil
	}
	p, err := newPeer(d.priv, publicKey)
	if err != nil {
		return nil, err
	}
	d.peers[string(publicKey)] = p
	return p, nil
}

// sharedKey computes K = SHA1(Sx)[:16] where S = ECDH(priv, publicKey)
// (protocol.md, "Key Agreement"). crypto/ecdh returns Sx already padded to 32 bytes.
func sharedKey(priv *ecdh.PrivateKey, publicKey []byte) ([]byte, error) {
	pub, err := ecdh.P256().NewPublicKey(publicKey)
	if err != nil {
		return nil, err
	}
	s, err := priv.ECDH(pub)
	if err != nil {
		return nil, err
	}
	sum := sha1.Sum(s)
	return sum[:16], nil
}

func hmacSHA256(key []byte, parts ...[]byte) []byte {
	h := hmac.New(sha256.New, key)
	for _, p := range parts {
		h.Write(p)
	}
	return h.Sum(nil)
}

func newPeer(priv *ecdh.PrivateKey, publicKey []byte) (*peer, error) {
	k, err := sharedKey(priv, publicKey)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &peer{
		cmdKey:  hmacSHA256(k, []byte("authenticated command")),
		infoKey: hmacSHA256(k, []byte("session info")),
		aead:    aead,
	}, nil
}

// sessionInfo encodes the domain's current session state for one peer and
// authenticates it with HMAC-SHA256(SESSION_INFO_KEY, M‖0xFF‖info) where M
// binds the signature type, the VIN and the challenge (the request's uuid).
func (d *domainState) sessionInfo(p *peer, vin string, challenge []byte, now time.Time) (info, tag []byte, err error) {
	clock := d.clock(now)
	info, err = proto.Marshal(&signatures.SessionInfo{
		Counter:   p.window.counter,
		PublicKey: d.pub,
		Epoch:     d.epoch,
		ClockTime: clock,
		Status:    signatures.Session_Info_Status_SESSION_INFO_STATUS_OK,
	})
	if err != nil {
		return nil, nil, err
	}
	m := newMetadata()
	m.addByte(tagSignatureType, byte(signatures.SignatureType_SIGNATURE_TYPE_HMAC))
	m.add(tagPersonalization, []byte(vin))
	m.add(tagChallenge, challenge)
	md, err := m.bytes()
	if err != nil {
		return nil, nil, err
	}
	return info, hmacSHA256(p.infoKey, md, info), nil
}

// nextResponseCounter returns a fresh counter for an encrypted response.
func (d *domainState) nextResponseCounter() uint32 {
	if d.respCounter == math.MaxUint32 {
		d.respCounter = 0
	}
	d.respCounter++
	return d.respCounter
}
