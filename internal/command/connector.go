package command

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/connector"
	"github.com/teslamotors/vehicle-command/pkg/protocol"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// signedSender is what the connector needs from the fleet client.
type signedSender interface {
	SignedCommand(ctx context.Context, vin string, routableMessage []byte) ([]byte, error)
	WakeUp(ctx context.Context, vin string) (*fleet.Vehicle, error)
}

// Defaults of the connector (the SDK's own inet connector uses the same).
const (
	DefaultRetryInterval  = time.Second      // between the SDK's retransmissions
	DefaultAllowedLatency = 10 * time.Second // max age of a session-info reply
)

// connection is a connector.FleetAPIConnector that carries the SDK's
// RoutableMessages over fleet's signed_command endpoint. The SDK dispatcher
// calls Send with a marshalled message and reads the car's reply from
// Receive, so Send posts synchronously and queues the reply bytes.
type connection struct {
	vin     string
	client  signedSender
	retry   time.Duration
	latency time.Duration

	mu    sync.Mutex
	inbox chan []byte // nil once closed
	recv  <-chan []byte
}

var _ connector.FleetAPIConnector = (*connection)(nil)

func newConnection(vin string, client signedSender, retry time.Duration) *connection {
	if retry <= 0 {
		retry = DefaultRetryInterval
	}
	inbox := make(chan []byte, connector.BufferSize)
	return &connection{vin: vin, client: client, retry: retry, latency: DefaultAllowedLatency, inbox: inbox, recv: inbox}
}

func (c *connection) VIN() string                               { return c.vin }
func (c *connection) Receive() <-chan []byte                    { return c.recv }
func (c *connection) PreferredAuthMethod() connector.AuthMethod { return connector.AuthMethodHMAC }
func (c *connection) RetryInterval() time.Duration              { return c.retry }
func (c *connection) AllowedLatency() time.Duration             { return c.latency }
func (c *connection) Wakeup(ctx context.Context) error {
	_, err := c.client.WakeUp(ctx, c.vin)
	return err
}
func (c *connection) SendFleetAPICommand(context.Context, string, any) ([]byte, error) {
	// v0.4.1's Vehicle never calls this; REST commands go through rest.go.
	return nil, fmt.Errorf("%w: SendFleetAPICommand", fleet.ErrNotSupported)
}

// Close is idempotent; the dispatcher sees the closed channel and stops.
func (c *connection) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inbox != nil {
		close(c.inbox)
		c.inbox = nil
	}
}

// Send posts one RoutableMessage and queues the reply for the dispatcher.
//
// Errors are wrapped in *sendError, which implements protocol.Error: the
// dispatcher retries only errors that are Temporary and not
// MayHaveSucceeded, so every fleet error here is terminal (Temporary false) —
// a 408 ends the command at once instead of spinning until the deadline, and
// fleet has already done what is safe to redo (token refresh, 421 region
// switch). A 5xx or a deadline on the POST may have reached the car and is
// marked MayHaveSucceeded. A 422 also carries protocol.ErrProtocolNotSupported,
// which is what the SDK and its callers check for "use REST instead".
func (c *connection) Send(ctx context.Context, buffer []byte) error {
	reply, err := c.client.SignedCommand(ctx, c.vin, buffer)
	if err != nil {
		return wrapSendError(err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inbox == nil {
		return &sendError{err: protocol.ErrNotConnected, maybe: true}
	}
	select {
	case c.inbox <- reply:
		return nil
	default:
		return &sendError{err: errors.New("reply dropped: inbox full"), maybe: true}
	}
}

// sendError is a terminal transport error as the SDK dispatcher understands it.
type sendError struct {
	err   error // the fleet error
	sdk   error // an SDK sentinel the same condition maps to, or nil
	maybe bool
}

func wrapSendError(err error) error {
	e := &sendError{err: err}
	switch {
	case errors.Is(err, fleet.ErrProtocolNotSupported):
		e.sdk = protocol.ErrProtocolNotSupported
	case fleet.MayHaveSucceeded(err),
		errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		e.maybe = true
	}
	return e
}

func (e *sendError) Error() string          { return e.err.Error() }
func (e *sendError) MayHaveSucceeded() bool { return e.maybe }
func (e *sendError) Temporary() bool        { return false }
func (e *sendError) Unwrap() []error {
	if e.sdk == nil {
		return []error{e.err}
	}
	return []error{e.err, e.sdk}
}
