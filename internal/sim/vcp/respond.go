package vcp

import (
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/signatures"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"google.golang.org/protobuf/proto"
)

// Size bounds for requests. Larger messages are refused with
// REQUEST_MTU_EXCEEDED; beyond maxDecodeLen they are not even decoded.
const (
	maxMessageLen = 8 << 10
	maxDecodeLen  = 64 << 10
	maxAddressLen = 16 // routing_address
	maxUUIDLen    = 16 // uuid, echoed as request_uuid
)

// Handle processes one encoded RoutableMessage addressed to this car and
// returns the encoded reply. It never panics on hostile input and always
// returns a parseable RoutableMessage; protocol faults are carried in its
// signedMessageStatus, application errors in its payload.
func (c *Car) Handle(msg []byte) []byte {
	reply := c.handle(msg)
	out, err := proto.Marshal(reply)
	if err != nil {
		out, _ = proto.Marshal(faultOnly(universal.MessageFault_E_MESSAGEFAULT_ERROR_INTERNAL))
	}
	return out
}

func (c *Car) handle(msg []byte) *universal.RoutableMessage {
	if len(msg) > maxDecodeLen {
		c.countRejected()
		return faultOnly(universal.MessageFault_E_MESSAGEFAULT_ERROR_REQUEST_MTU_EXCEEDED)
	}
	var req universal.RoutableMessage
	if err := proto.Unmarshal(msg, &req); err != nil {
		c.countRejected()
		return faultOnly(universal.MessageFault_E_MESSAGEFAULT_ERROR_DECODING)
	}
	reply, fault := newReply(&req)
	if fault == universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE && len(msg) > maxMessageLen {
		fault = universal.MessageFault_E_MESSAGEFAULT_ERROR_REQUEST_MTU_EXCEEDED
	}
	if fault != universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE {
		return c.fail(reply, &rejection{fault: fault})
	}
	// The domains map is fixed after NewCar; the states inside need c.mu.
	ds, ok := c.domains[req.GetToDestination().GetDomain()]
	if !ok {
		return c.fail(reply, &rejection{fault: universal.MessageFault_E_MESSAGEFAULT_ERROR_INVALID_DOMAINS})
	}
	switch p := req.GetPayload().(type) {
	case *universal.RoutableMessage_SessionInfoRequest:
		return c.handshake(&req, reply, ds, p.SessionInfoRequest)
	case *universal.RoutableMessage_ProtobufMessageAsBytes:
		return c.command(&req, reply, ds, p.ProtobufMessageAsBytes)
	default:
		return c.fail(reply, &rejection{fault: universal.MessageFault_E_MESSAGEFAULT_ERROR_BAD_PARAMETER})
	}
}

// newReply addresses a reply per the protocol: from the domain the request
// was sent to, to the request's routing address, with request_uuid = uuid.
// Oversized addressing fields are not echoed and yield a fault.
func newReply(req *universal.RoutableMessage) (*universal.RoutableMessage, universal.MessageFault_E) {
	fault := universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE
	reply := &universal.RoutableMessage{
		FromDestination: &universal.Destination{
			SubDestination: &universal.Destination_Domain{Domain: req.GetToDestination().GetDomain()},
		},
	}
	if addr := req.GetFromDestination().GetRoutingAddress(); addr != nil {
		if len(addr) > maxAddressLen {
			fault = universal.MessageFault_E_MESSAGEFAULT_ERROR_REQUEST_MTU_EXCEEDED
		} else {
			reply.ToDestination = &universal.Destination{
				SubDestination: &universal.Destination_RoutingAddress{RoutingAddress: clone(addr)},
			}
		}
	}
	if id := req.GetUuid(); len(id) > maxUUIDLen {
		fault = universal.MessageFault_E_MESSAGEFAULT_ERROR_REQUEST_MTU_EXCEEDED
	} else if len(id) > 0 {
		reply.RequestUuid = clone(id)
	}
	return reply, fault
}

// rejection is a protocol fault, with signed session info when the fault
// lets the client resynchronize (INCORRECT_EPOCH, TIME_EXPIRED, …).
type rejection struct {
	fault universal.MessageFault_E
	info  []byte // encoded SessionInfo, or nil
	tag   []byte // its HMAC tag
}

// fail turns a reply into a fault reply and counts it.
func (c *Car) fail(reply *universal.RoutableMessage, r *rejection) *universal.RoutableMessage {
	c.countRejected()
	reply.SignedMessageStatus = &universal.MessageStatus{
		OperationStatus:    universal.OperationStatus_E_OPERATIONSTATUS_ERROR,
		SignedMessageFault: r.fault,
	}
	reply.Payload = nil
	reply.SubSigData = nil
	if r.info != nil {
		reply.Payload = &universal.RoutableMessage_SessionInfo{SessionInfo: r.info}
		reply.SubSigData = sessionInfoTag(r.tag)
	}
	return reply
}

func (c *Car) countRejected() {
	c.mu.Lock()
	c.stats.Rejected++
	c.mu.Unlock()
}

// faultOnly is the reply to a message that could not be decoded at all.
func faultOnly(fault universal.MessageFault_E) *universal.RoutableMessage {
	return &universal.RoutableMessage{
		FromDestination: &universal.Destination{
			SubDestination: &universal.Destination_Domain{Domain: universal.Domain_DOMAIN_BROADCAST},
		},
		SignedMessageStatus: &universal.MessageStatus{
			OperationStatus:    universal.OperationStatus_E_OPERATIONSTATUS_ERROR,
			SignedMessageFault: fault,
		},
	}
}

func sessionInfoTag(tag []byte) *universal.RoutableMessage_SignatureData {
	return &universal.RoutableMessage_SignatureData{SignatureData: &signatures.SignatureData{
		SigType: &signatures.SignatureData_SessionInfoTag{
			SessionInfoTag: &signatures.HMAC_Signature_Data{Tag: tag},
		},
	}}
}

// handshake answers a session info request: signed session info for a
// paired key, UNKNOWN_KEY_ID otherwise.
func (c *Car) handshake(req, reply *universal.RoutableMessage, ds *domainState, r *universal.SessionInfoRequest) *universal.RoutableMessage {
	key := r.GetPublicKey()
	if len(key) != publicKeyLen || key[0] != 0x04 {
		return c.fail(reply, &rejection{fault: universal.MessageFault_E_MESSAGEFAULT_ERROR_BAD_PARAMETER})
	}
	c.mu.Lock()
	info, tag, fault := c.sessionInfoLocked(ds, key, req.GetUuid())
	if fault == universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE {
		c.stats.Handshakes++
	}
	c.mu.Unlock()
	if fault != universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE {
		return c.fail(reply, &rejection{fault: fault})
	}
	reply.Payload = &universal.RoutableMessage_SessionInfo{SessionInfo: info}
	reply.SubSigData = sessionInfoTag(tag)
	return reply
}

// sessionInfoLocked builds signed session info for a key; c.mu is held.
func (c *Car) sessionInfoLocked(ds *domainState, key, challenge []byte) (info, tag []byte, fault universal.MessageFault_E) {
	if !c.keys.has(key) {
		return nil, nil, universal.MessageFault_E_MESSAGEFAULT_ERROR_UNKNOWN_KEY_ID
	}
	p, err := ds.peerFor(key)
	if err != nil {
		return nil, nil, universal.MessageFault_E_MESSAGEFAULT_ERROR_BAD_PARAMETER
	}
	info, tag, err = ds.sessionInfo(p, c.vin, challenge, c.now())
	if err != nil {
		return nil, nil, universal.MessageFault_E_MESSAGEFAULT_ERROR_INTERNAL
	}
	return info, tag, universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// command handles an application payload: a signed command for either
// domain, or one of the unsigned VCSEC information requests.
func (c *Car) command(req, reply *universal.RoutableMessage, ds *domainState, payload []byte) *universal.RoutableMessage {
	if req.GetSignatureData() == nil {
		return c.unsigned(reply, ds, payload)
	}
	v, r := c.verify(req, ds, payload)
	if r != nil {
		return c.fail(reply, r)
	}
	var (
		out   []byte
		fault universal.MessageFault_E
	)
	if ds.domain == universal.Domain_DOMAIN_VEHICLE_SECURITY {
		out, fault = c.vcsecCommand(v.plaintext, true)
	} else {
		out, fault = c.infotainmentCommand(v.plaintext)
	}
	if fault != universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE {
		return c.fail(reply, &rejection{fault: fault})
	}
	if req.GetFlags()&encryptResponseFlag != 0 {
		if err := c.encryptReply(reply, ds, v, out); err != nil {
			return c.fail(reply, &rejection{fault: universal.MessageFault_E_MESSAGEFAULT_ERROR_INTERNAL})
		}
		return reply
	}
	reply.Payload = &universal.RoutableMessage_ProtobufMessageAsBytes{ProtobufMessageAsBytes: out}
	return reply
}

// unsigned answers the messages a car accepts without authentication: the
// VCSEC information requests. Anything else needs a signature.
func (c *Car) unsigned(reply *universal.RoutableMessage, ds *domainState, payload []byte) *universal.RoutableMessage {
	if ds.domain != universal.Domain_DOMAIN_VEHICLE_SECURITY {
		return c.fail(reply, &rejection{fault: universal.MessageFault_E_MESSAGEFAULT_ERROR_BAD_PARAMETER})
	}
	out, fault := c.vcsecCommand(payload, false)
	if fault != universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE {
		return c.fail(reply, &rejection{fault: fault})
	}
	reply.Payload = &universal.RoutableMessage_ProtobufMessageAsBytes{ProtobufMessageAsBytes: out}
	return reply
}
