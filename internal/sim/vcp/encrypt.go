package vcp

import (
	"crypto/rand"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/signatures"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
)

// encryptResponseFlag is the request flag bit asking for an encrypted reply.
const encryptResponseFlag = 1 << uint32(universal.Flags_FLAG_ENCRYPT_RESPONSE)

// encryptReply replaces the reply's plaintext payload with its AES-GCM
// encryption under the session key K. The AAD binds the response signature
// type, the replying domain, the VIN, a fresh response counter, the reply's
// flags and fault (both always present) and the request hash, so a reply
// cannot be replayed for another request.
func (c *Car) encryptReply(reply *universal.RoutableMessage, ds *domainState, v *verified, plaintext []byte) error {
	c.mu.Lock()
	counter := ds.nextResponseCounter()
	c.mu.Unlock()

	m := newMetadata()
	m.addByte(tagSignatureType, byte(signatures.SignatureType_SIGNATURE_TYPE_AES_GCM_RESPONSE))
	m.addByte(tagDomain, byte(reply.GetFromDestination().GetDomain()))
	m.add(tagPersonalization, []byte(c.vin))
	m.addUint32(tagCounter, counter)
	m.addUint32(tagFlags, reply.GetFlags())
	m.add(tagRequestHash, v.requestHash)
	m.addUint32(tagFault, uint32(reply.GetSignedMessageStatus().GetSignedMessageFault()))
	aad, err := m.checksum()
	if err != nil {
		return err
	}
	nonce := make([]byte, gcmNonceLen)
	_, _ = rand.Read(nonce)
	sealed := v.peer.aead.Seal(nil, nonce, plaintext, aad)
	split := len(sealed) - gcmTagLen
	reply.Payload = &universal.RoutableMessage_ProtobufMessageAsBytes{ProtobufMessageAsBytes: sealed[:split]}
	reply.SubSigData = &universal.RoutableMessage_SignatureData{SignatureData: &signatures.SignatureData{
		SigType: &signatures.SignatureData_AES_GCM_ResponseData{
			AES_GCM_ResponseData: &signatures.AES_GCM_Response_Signature_Data{
				Nonce:   nonce,
				Counter: counter,
				Tag:     sealed[split:],
			},
		},
	}}
	return nil
}
