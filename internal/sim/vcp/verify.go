package vcp

import (
	"crypto/hmac"
	"math"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/signatures"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
)

const (
	// maxOutOfOrderTTL bounds the lifetime of commands that skip the
	// counter check (counter 0) or arrive behind the newest counter.
	maxOutOfOrderTTL = 30
	gcmNonceLen      = 12
	gcmTagLen        = 16
	// vcsecRequestHashLen is the truncated request hash VCSEC uses.
	vcsecRequestHashLen = 17
)

// authData is the signature data of a command, whichever the method.
type authData struct {
	sigType   signatures.SignatureType
	epoch     []byte
	nonce     []byte // AES-GCM only
	counter   uint32
	expiresAt uint32
	tag       []byte
}

// verified is an authenticated command ready for the application layer.
type verified struct {
	plaintext   []byte
	peer        *peer
	requestHash []byte // signature type ‖ tag, for response encryption
}

func authDataOf(sig *signatures.SignatureData) (authData, bool) {
	switch s := sig.GetSigType().(type) {
	case *signatures.SignatureData_HMAC_PersonalizedData:
		d := s.HMAC_PersonalizedData
		if d == nil {
			return authData{}, false
		}
		return authData{
			sigType: signatures.SignatureType_SIGNATURE_TYPE_HMAC_PERSONALIZED,
			epoch:   d.GetEpoch(), counter: d.GetCounter(), expiresAt: d.GetExpiresAt(), tag: d.GetTag(),
		}, true
	case *signatures.SignatureData_AES_GCM_PersonalizedData:
		d := s.AES_GCM_PersonalizedData
		if d == nil {
			return authData{}, false
		}
		return authData{
			sigType: signatures.SignatureType_SIGNATURE_TYPE_AES_GCM_PERSONALIZED,
			epoch:   d.GetEpoch(), nonce: d.GetNonce(), counter: d.GetCounter(), expiresAt: d.GetExpiresAt(), tag: d.GetTag(),
		}, true
	}
	return authData{}, false
}

// verify authenticates a signed command in the order a car does:
// signature type, signer key, epoch, expiry, time-to-live, MAC, counter.
// Faults from the epoch check on carry fresh signed session info.
func (c *Car) verify(req *universal.RoutableMessage, ds *domainState, payload []byte) (*verified, *rejection) {
	sig := req.GetSignatureData()
	a, ok := authDataOf(sig)
	if !ok {
		return nil, &rejection{fault: universal.MessageFault_E_MESSAGEFAULT_ERROR_BAD_PARAMETER}
	}
	key := sig.GetSignerIdentity().GetPublicKey()

	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.keys.has(key) {
		return nil, &rejection{fault: universal.MessageFault_E_MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID}
	}
	p, err := ds.peerFor(key)
	if err != nil {
		return nil, &rejection{fault: universal.MessageFault_E_MESSAGEFAULT_ERROR_BAD_PARAMETER}
	}
	withInfo := func(fault universal.MessageFault_E) *rejection {
		info, tag, err := ds.sessionInfo(p, c.vin, req.GetUuid(), c.now())
		if err != nil {
			return &rejection{fault: fault}
		}
		return &rejection{fault: fault, info: info, tag: tag}
	}
	t := c.now()
	now := ds.clock(t)
	if len(a.epoch) != 0 && !hmac.Equal(a.epoch, ds.epoch) {
		return nil, withInfo(universal.MessageFault_E_MESSAGEFAULT_ERROR_INCORRECT_EPOCH)
	}
	if a.expiresAt != 0 && a.expiresAt < now {
		return nil, withInfo(universal.MessageFault_E_MESSAGEFAULT_ERROR_TIME_EXPIRED)
	}
	if a.expiresAt > maxClock {
		return nil, withInfo(universal.MessageFault_E_MESSAGEFAULT_ERROR_BAD_PARAMETER)
	}
	if a.counter == 0 || a.counter < p.window.counter {
		if a.expiresAt == 0 || a.expiresAt-now > maxOutOfOrderTTL {
			return nil, withInfo(universal.MessageFault_E_MESSAGEFAULT_ERROR_TIME_TO_LIVE_TOO_LONG)
		}
	}

	m := newMetadata()
	m.addByte(tagSignatureType, byte(a.sigType))
	m.addByte(tagDomain, byte(ds.domain))
	m.add(tagPersonalization, []byte(c.vin))
	m.add(tagEpoch, ds.epoch)
	m.addUint32(tagExpiresAt, a.expiresAt)
	m.addUint32(tagCounter, a.counter)
	if req.GetFlags() != 0 {
		m.addUint32(tagFlags, req.GetFlags())
	}
	var plaintext []byte
	switch a.sigType {
	case signatures.SignatureType_SIGNATURE_TYPE_HMAC_PERSONALIZED:
		md, err := m.bytes()
		if err != nil || !hmac.Equal(hmacSHA256(p.cmdKey, md, payload), a.tag) {
			return nil, withInfo(universal.MessageFault_E_MESSAGEFAULT_ERROR_INVALID_SIGNATURE)
		}
		plaintext = payload
	default: // AES-GCM personalized
		if len(a.nonce) != gcmNonceLen {
			return nil, &rejection{fault: universal.MessageFault_E_MESSAGEFAULT_ERROR_IV_INCORRECT_LENGTH}
		}
		aad, err := m.checksum()
		if err != nil || len(a.tag) != gcmTagLen {
			return nil, withInfo(universal.MessageFault_E_MESSAGEFAULT_ERROR_INVALID_SIGNATURE)
		}
		sealed := make([]byte, 0, len(payload)+gcmTagLen)
		sealed = append(append(sealed, payload...), a.tag...)
		plaintext, err = p.aead.Open(nil, a.nonce, sealed, aad)
		if err != nil {
			return nil, withInfo(universal.MessageFault_E_MESSAGEFAULT_ERROR_INVALID_SIGNATURE)
		}
	}
	if a.counter > 0 && !p.window.accept(a.counter) {
		return nil, withInfo(universal.MessageFault_E_MESSAGEFAULT_ERROR_INVALID_TOKEN_OR_COUNTER)
	}
	if p.window.counter == math.MaxUint32 {
		// The counter cannot advance any further: start a new epoch.
		ds.reboot(t)
	}
	c.stats.Commands++

	hash := append([]byte{byte(a.sigType)}, a.tag...)
	if ds.domain == universal.Domain_DOMAIN_VEHICLE_SECURITY && len(hash) > vcsecRequestHashLen {
		hash = hash[:vcsecRequestHashLen]
	}
	return &verified{plaintext: plaintext, peer: p, requestHash: hash}, nil
}
