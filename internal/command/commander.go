package command

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol"

	"github.com/teslafleet/teslafleet/internal/fleet"
)

// Sender is the seam the entity layer calls: send one or more commands to a
// vehicle as one batch (one wake, one SDK session, in order, stopping at the
// first error), or just wake it. *Commander satisfies it.
type Sender interface {
	Send(ctx context.Context, vin string, cmds ...Command) error
	WakeUp(ctx context.Context, vin string) error
}

var _ Sender = (*Commander)(nil)

// FleetClient is what the Commander needs from the Fleet API client;
// *fleet.Client satisfies it.
type FleetClient interface {
	signedSender
	Vehicle(ctx context.Context, vin string) (*fleet.Vehicle, error)
	Command(ctx context.Context, vin, name string, body any) (*fleet.CommandResult, error)
	FleetStatus(ctx context.Context, vins []string) (*fleet.FleetStatus, error)
	Products(ctx context.Context) (*fleet.Products, error)
}

// Config configures a Commander. Fleet is required; the rest have defaults.
type Config struct {
	Fleet    FleetClient
	Key      protocol.ECDHPrivateKey // the app's private key; nil = REST only
	Sessions SessionStore            // persisted session cache; nil = in memory
	Domain   string                  // the app's domain, for the pairing link https://tesla.com/_ak/<domain>

	// WakeBackoff are the waits between state polls after wake_up; the
	// vehicle must be online by the last poll. Default 5 s, 10 s, 15 s.
	WakeBackoff []time.Duration
	// OnlineFor is how long a vehicle seen online is trusted to still be
	// online; after that a free state read comes before the command.
	// Default 5 min.
	OnlineFor time.Duration
	// CommandTimeout bounds each send (handshake and command, not the wake);
	// the SDK also signs commands to expire then. Default 20 s.
	CommandTimeout time.Duration
	// RetryInterval is the SDK's wait before re-sending after a busy car or
	// a session resync. Default 1 s.
	RetryInterval time.Duration

	// Progress, if set, is told each step (waking, polling, online,
	// sending, retrying). It is called synchronously and must not block.
	Progress func(Progress)
	Logger   *slog.Logger
}

// Default timings.
var defaultWakeBackoff = []time.Duration{5 * time.Second, 10 * time.Second, 15 * time.Second}

const (
	DefaultOnlineFor      = 5 * time.Minute
	DefaultCommandTimeout = 20 * time.Second
)

// Commander sends vehicle and energy commands (see the package doc).
type Commander struct {
	cfg      Config
	fleet    FleetClient
	sessions *sessions
	log      *slog.Logger

	mu       sync.Mutex      // guards vehicles and every car's fields but lock
	vehicles map[string]*car // by VIN
	products bool            // command_signing loaded from /products

	onQueued func(vin string) // test hook: a caller took its wake ticket
}

// car is what the Commander knows about one vehicle.
type car struct {
	vin  string
	lock chan struct{} // holds one token while a command runs: per-VIN serialisation

	state   string    // "online", "asleep", "offline"; "" unknown
	stateAt time.Time // when state was learnt
	wakes   uint64    // finished wake attempts
	wakeErr error     // the last wake attempt's outcome

	signing  string // command_signing: "required", "allowed", "off"; "" unknown
	paired   *bool  // fleet_status: our key is paired (nil = not asked yet)
	restOnly bool   // signed_command answered 422: the car predates the protocol
}

// New returns a Commander.
func New(cfg Config) (*Commander, error) {
	if cfg.Fleet == nil {
		return nil, errors.New("command: Config.Fleet is required")
	}
	if cfg.Sessions == nil {
		cfg.Sessions = &MemorySessionStore{}
	}
	if cfg.WakeBackoff == nil {
		cfg.WakeBackoff = defaultWakeBackoff
	}
	if cfg.OnlineFor <= 0 {
		cfg.OnlineFor = DefaultOnlineFor
	}
	if cfg.CommandTimeout <= 0 {
		cfg.CommandTimeout = DefaultCommandTimeout
	}
	if cfg.RetryInterval <= 0 {
		cfg.RetryInterval = DefaultRetryInterval
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Commander{
		cfg:      cfg,
		fleet:    cfg.Fleet,
		sessions: &sessions{store: cfg.Sessions, log: log},
		log:      log,
		vehicles: make(map[string]*car),
	}, nil
}

func (c *Commander) car(vin string) *car {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.vehicles[vin]
	if !ok {
		v = &car{vin: vin, lock: make(chan struct{}, 1)}
		c.vehicles[vin] = v
	}
	return v
}

// MarkState tells the Commander a vehicle's state as seen elsewhere (the
// data poller): "online" skips the next wake, "asleep"/"offline" forces it.
func (c *Commander) MarkState(vin, state string) {
	v := c.car(vin)
	c.mu.Lock()
	defer c.mu.Unlock()
	v.state, v.stateAt = state, time.Now()
}

// Send runs cmds on the vehicle in order as one batch: validated first, then
// (unless the vehicle is known online) one wake, then each command signed or
// REST. It returns the first error; later commands are not sent.
func (c *Commander) Send(ctx context.Context, vin string, cmds ...Command) error {
	if vin == "" {
		return &Error{Op: "send", Class: fleet.ErrInvalidRequest, Err: errors.New("empty VIN")}
	}
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil {
			var e *Error
			if errors.As(err, &e) {
				e2 := *e
				e2.VIN = vin
				return &e2
			}
			return err
		}
		if cmd.Site() {
			return &Error{Op: cmd.Name(), VIN: vin, Class: fleet.ErrInvalidRequest,
				Err: fmt.Errorf("%s is an energy site command: use SendSite", cmd.Name())}
		}
	}
	if len(cmds) == 0 {
		return nil
	}
	v := c.car(vin)
	ticket := c.queue(v)
	if err := c.acquire(ctx, v); err != nil {
		return c.classify(cmds[0].Name(), vin, err, false)
	}
	defer func() { <-v.lock }()
	for _, cmd := range cmds {
		if err := c.sendOne(ctx, v, cmd, ticket); err != nil {
			return err
		}
	}
	return nil
}

// WakeUp wakes the vehicle (unless known online) and waits until it is online.
func (c *Commander) WakeUp(ctx context.Context, vin string) error {
	if vin == "" {
		return &Error{Op: "wake_up", Class: fleet.ErrInvalidRequest, Err: errors.New("empty VIN")}
	}
	v := c.car(vin)
	ticket := c.queue(v)
	if err := c.acquire(ctx, v); err != nil {
		return c.classify("wake_up", vin, err, false)
	}
	defer func() { <-v.lock }()
	return c.ensureOnline(ctx, v, ticket)
}

// queue returns the caller's wake ticket.
func (c *Commander) queue(v *car) uint64 {
	t := c.wakeTicket(v)
	if c.onQueued != nil {
		c.onQueued(v.vin)
	}
	return t
}

// acquire takes the vehicle's command slot, or gives up with ctx.
func (c *Commander) acquire(ctx context.Context, v *car) error {
	select {
	case v.lock <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("waiting for the previous command: %w", ctx.Err())
	}
}

func (c *Commander) sendOne(ctx context.Context, v *car, cmd Command, ticket uint64) error {
	signed, err := c.route(ctx, v, cmd)
	if err != nil {
		return err
	}
	if !cmd.spec.noWake {
		if err := c.ensureOnline(ctx, v, ticket); err != nil {
			return err
		}
	}
	err = c.exec(ctx, v, cmd, signed)
	if errors.Is(err, fleet.ErrAsleep) {
		// A 408 means the Fleet API could not reach the car: the car never
		// got the command, so waking it and sending once more cannot run
		// the command twice. Any other failure may have reached the car and
		// is returned as is.
		c.setState(v, "asleep")
		c.progress(Progress{VIN: v.vin, Stage: StageRetrying, Command: cmd.Name()})
		if werr := c.ensureOnline(ctx, v, c.wakeTicket(v)); werr != nil {
			return werr
		}
		if signed, err = c.route(ctx, v, cmd); err != nil {
			return err
		}
		err = c.exec(ctx, v, cmd, signed)
	}
	if err == nil {
		c.setState(v, "online")
	}
	return err
}

// exec sends one command on the chosen path and classifies the outcome.
func (c *Commander) exec(ctx context.Context, v *car, cmd Command, signed bool) error {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.CommandTimeout)
	defer cancel()
	c.progress(Progress{VIN: v.vin, Stage: StageSending, Command: cmd.Name(), Signed: signed})
	if !signed {
		sent, err := c.execREST(ctx, v.vin, cmd)
		return c.classify(cmd.Name(), v.vin, err, sent)
	}
	sent, err := c.execSigned(ctx, v.vin, cmd)
	if err != nil && !sent && c.fallBackToREST(v, err) {
		c.log.Info("command: using REST for this vehicle", "vin", v.vin, "reason", err)
		sent, err = c.execREST(ctx, v.vin, cmd)
	}
	return c.classify(cmd.Name(), v.vin, err, sent)
}

func (c *Commander) setState(v *car, state string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v.state, v.stateAt = state, time.Now()
}

func (c *Commander) progress(p Progress) {
	if c.cfg.Progress != nil {
		c.cfg.Progress(p)
	}
}
