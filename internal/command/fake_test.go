package command

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/sim/vcp"
)

// fakeFleet is a hand-written FleetClient: a few cars with a sleep state,
// REST commands that answer 408 unless the car is online, and signed
// commands answered by the simulator's vehicle side (vcp.Car).
type fakeFleet struct {
	mu    sync.Mutex
	cars  map[string]*fakeCar
	calls []string // "vehicle VIN", "wake_up VIN", "command VIN name", "signed VIN", "fleet_status", "products"

	// Optional overrides, called without mu held.
	command func(vin, name string, body any) (*fleet.CommandResult, error)
	signed  func(vin string, msg []byte) ([]byte, error)
	status  func() (*fleet.FleetStatus, error)
}

type fakeCar struct {
	state       string // "online", "asleep"
	signing     string
	paired      bool
	onlineAfter int  // after wake_up: polls until online (0: wake_up answers online; -1: never)
	woken       bool // wake_up was sent
	polls       int
	car         *vcp.Car
	exec        *recorder
}

// recorder is the vcp.Executor: it records what the car ran.
type recorder struct {
	mu     sync.Mutex
	calls  []string
	bodies []map[string]any
	refuse map[string]string // command → reason
}

func (r *recorder) Execute(name string, params map[string]any) (bool, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, name)
	r.bodies = append(r.bodies, params)
	if reason, ok := r.refuse[name]; ok {
		return false, reason, nil
	}
	return true, "", nil
}

func (r *recorder) names() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

func newFake(t *testing.T) *fakeFleet {
	t.Helper()
	return &fakeFleet{cars: map[string]*fakeCar{}}
}

// add adds a car; key (may be nil) is paired with its vehicle side when paired.
func (f *fakeFleet) add(t *testing.T, vin, state, signing string, paired bool, key protocol.ECDHPrivateKey) *fakeCar {
	t.Helper()
	rec := &recorder{refuse: map[string]string{}}
	car, err := vcp.NewCar(vcp.Options{VIN: vin, Exec: rec})
	if err != nil {
		t.Fatal(err)
	}
	if paired && key != nil {
		if err := car.AddKey(key.PublicBytes()); err != nil {
			t.Fatal(err)
		}
	}
	fc := &fakeCar{state: state, signing: signing, paired: paired, car: car, exec: rec}
	f.mu.Lock()
	f.cars[vin] = fc
	f.mu.Unlock()
	return fc
}

func (f *fakeFleet) record(s string) {
	f.mu.Lock()
	f.calls = append(f.calls, s)
	f.mu.Unlock()
}

// count counts the calls starting with prefix.
func (f *fakeFleet) count(prefix string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if strings.HasPrefix(c, prefix) {
			n++
		}
	}
	return n
}

func (f *fakeFleet) carState(vin string) (*fakeCar, string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cars[vin]
	if c == nil {
		return nil, ""
	}
	return c, c.state
}

func vehicleOf(vin, state string) *fleet.Vehicle {
	v := &fleet.Vehicle{}
	v.VIN, v.State = &vin, &state
	return v
}

// apiError is a fleet error of the given class, as fleet returns them.
func apiError(status int, class error) error {
	return fmt.Errorf("%w: %w", &fleet.APIError{Status: status, Method: "POST", Code: class.Error()}, class)
}

var errAsleep408 = apiError(408, fleet.ErrAsleep)

func (f *fakeFleet) Vehicle(_ context.Context, vin string) (*fleet.Vehicle, error) {
	f.record("vehicle " + vin)
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cars[vin]
	if c == nil {
		return nil, apiError(404, fleet.ErrNotFound)
	}
	if c.woken && c.state != "online" {
		c.polls++
		if c.onlineAfter >= 0 && c.polls >= c.onlineAfter {
			c.state = "online"
		}
	}
	return vehicleOf(vin, c.state), nil
}

func (f *fakeFleet) WakeUp(_ context.Context, vin string) (*fleet.Vehicle, error) {
	f.record("wake_up " + vin)
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cars[vin]
	if c == nil {
		return nil, apiError(404, fleet.ErrNotFound)
	}
	if c.state != "online" {
		c.woken, c.polls = true, 0
		if c.onlineAfter == 0 {
			c.state = "online"
		}
	}
	return vehicleOf(vin, c.state), nil
}

func (f *fakeFleet) Command(ctx context.Context, vin, name string, body any) (*fleet.CommandResult, error) {
	f.record("command " + vin + " " + name)
	c, state := f.carState(vin)
	if c == nil {
		return nil, apiError(404, fleet.ErrNotFound)
	}
	if f.command != nil {
		return f.command(vin, name, body)
	}
	if state != "online" {
		return nil, errAsleep408
	}
	if c.signing == SigningRequired {
		return nil, apiError(403, fleet.ErrSigningRequired)
	}
	params, _ := body.(map[string]any)
	ok, reason, _ := c.exec.Execute(name, params)
	return &fleet.CommandResult{Result: ok, Reason: reason}, nil
}

func (f *fakeFleet) SignedCommand(ctx context.Context, vin string, msg []byte) ([]byte, error) {
	f.record("signed " + vin)
	c, state := f.carState(vin)
	if c == nil {
		return nil, apiError(404, fleet.ErrNotFound)
	}
	if f.signed != nil {
		return f.signed(vin, msg)
	}
	if state != "online" {
		return nil, errAsleep408
	}
	if c.signing == SigningOff {
		return nil, apiError(422, fleet.ErrProtocolNotSupported)
	}
	return c.car.Handle(msg), nil
}

func (f *fakeFleet) FleetStatus(ctx context.Context, vins []string) (*fleet.FleetStatus, error) {
	f.record("fleet_status")
	if f.status != nil {
		return f.status()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	st := &fleet.FleetStatus{}
	for _, vin := range vins {
		if c := f.cars[vin]; c != nil && c.paired {
			st.KeyPairedVINs = append(st.KeyPairedVINs, vin)
		} else {
			st.UnpairedVINs = append(st.UnpairedVINs, vin)
		}
	}
	return st, nil
}

func (f *fakeFleet) Products(ctx context.Context) (*fleet.Products, error) {
	f.record("products")
	f.mu.Lock()
	defer f.mu.Unlock()
	p := &fleet.Products{}
	for vin, c := range f.cars {
		v := vehicleOf(vin, c.state)
		signing := c.signing
		v.CommandSigning = &signing
		p.Items = append(p.Items, fleet.Product{Vehicle: v})
	}
	return p, nil
}

// newKey returns a fresh P-256 key for the SDK.
func newKey(t testing.TB) protocol.ECDHPrivateKey {
	t.Helper()
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k := protocol.UnmarshalECDHPrivateKey(priv.Bytes())
	if k == nil {
		t.Fatal("bad key")
	}
	return k
}

// fastConfig is a Config with millisecond timings.
func fastConfig(f FleetClient, key protocol.ECDHPrivateKey) Config {
	return Config{
		Fleet:          f,
		Key:            key,
		Domain:         "example.com",
		WakeBackoff:    []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond},
		RetryInterval:  50 * time.Millisecond,
		CommandTimeout: 10 * time.Second,
	}
}

func newCommander(t *testing.T, cfg Config) *Commander {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
