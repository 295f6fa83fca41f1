package vcp

import (
	"fmt"
	"sync"
	"time"

	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
)

// Car is the vehicle side of the Vehicle Command Protocol for one vehicle.
// It is safe for concurrent use.
type Car struct {
	vin  string
	now  func() time.Time
	exec Executor

	mu      sync.Mutex
	domains map[universal.Domain]*domainState
	keys    keychain
	stats   Stats
}

// domainNames maps Reboot's names to domains.
var domainNames = map[string]universal.Domain{
	"vcsec":        universal.Domain_DOMAIN_VEHICLE_SECURITY,
	"infotainment": universal.Domain_DOMAIN_INFOTAINMENT,
}

// NewCar builds a car with no paired keys. VIN and Exec are required; an
// empty Seed gives random keys, a nil Now the real clock.
func NewCar(opts Options) (*Car, error) {
	if opts.VIN == "" || len(opts.VIN) > 255 {
		return nil, fmt.Errorf("%w: VIN must be 1-255 bytes", ErrOptions)
	}
	if opts.Exec == nil {
		return nil, fmt.Errorf("%w: Exec is required", ErrOptions)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	seed := opts.Seed
	if len(seed) == 0 {
		seed = randomSeed()
	}
	c := &Car{vin: opts.VIN, now: now, exec: opts.Exec, domains: make(map[universal.Domain]*domainState)}
	t := now()
	for name, domain := range domainNames {
		priv, err := deriveDomainKey(seed, opts.VIN, name)
		if err != nil {
			return nil, err
		}
		c.domains[domain] = newDomainState(domain, priv, t)
	}
	return c, nil
}

// AddKey pairs a public key (65-byte uncompressed P-256 point) with both
// domains. Adding a key that is already paired is a no-op.
func (c *Car) AddKey(publicKey []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keys.add(publicKey)
}

// RemoveKey unpairs a key and forgets its sessions.
func (c *Car) RemoveKey(publicKey []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys.remove(publicKey) {
		for _, d := range c.domains {
			delete(d.peers, string(publicKey))
		}
	}
}

// HasKey reports whether a key is paired.
func (c *Car) HasKey(publicKey []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keys.has(publicKey)
}

// Keys returns copies of the paired keys in pairing order.
func (c *Car) Keys() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.keys.list()
}

// Reboot restarts a domain ("vcsec" or "infotainment"; "" = both): it gets a
// new epoch and clock, so clients receive INCORRECT_EPOCH with fresh session
// info on their next command and resynchronize. Unknown names do nothing.
func (c *Car) Reboot(domain string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now()
	for name, d := range domainNames {
		if domain == "" || domain == name {
			c.domains[d].reboot(t)
		}
	}
}

// Stats returns what the car's protocol layer has seen so far.
func (c *Car) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// PublicKey returns a domain's 65-byte public key ("vcsec" or
// "infotainment"), or nil for an unknown name.
func (c *Car) PublicKey(domain string) []byte {
	d, ok := domainNames[domain]
	if !ok {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]byte(nil), c.domains[d].pub...)
}

// call is one Executor invocation in the REST command vocabulary.
type call struct {
	name   string
	params map[string]any
}

// run executes calls in order, stopping at the first refusal. An Executor
// error becomes a refusal whose reason is the error text. c.mu is not held,
// so the Executor may take its own locks freely.
func (c *Car) run(calls []call) (ok bool, reason string) {
	for _, cl := range calls {
		ok, reason, err := c.exec.Execute(cl.name, cl.params)
		if err != nil {
			return false, err.Error()
		}
		if !ok {
			return false, reason
		}
	}
	return true, ""
}
