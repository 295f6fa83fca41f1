package vcp

// This file is the contract package sim codes against. The implementation
// files fill in the bodies in stubs.go (and delete it); keep these signatures.

import "time"

// Executor applies a verified command to the simulated vehicle. name and
// params use the REST command vocabulary of Tesla's Fleet API
// (POST /api/1/vehicles/{vin}/command/<name> with its JSON body), so signed
// and unsigned commands share one implementation in the world.
type Executor interface {
	Execute(name string, params map[string]any) (ok bool, reason string, err error)
}

// Options configure one simulated car's security controllers.
type Options struct {
	VIN  string
	Seed []byte           // derives the car's P-256 keys (one per domain) deterministically
	Now  func() time.Time // the car's clock: package sim passes the world clock, so sessions follow simulated time
	Exec Executor
}

// Stats counts what a car's protocol layer saw.
type Stats struct {
	Handshakes int `json:"handshakes"` // session info requests answered with session info
	Commands   int `json:"commands"`   // verified and executed
	Rejected   int `json:"rejected"`   // faults returned
}

// The Car's methods used by package sim (signatures are the contract):
//
//	func NewCar(opts Options) (*Car, error)
//	func (c *Car) Handle(routableMessage []byte) []byte // always a parseable RoutableMessage reply (faults inside)
//	func (c *Car) AddKey(publicKey []byte) error        // 65-byte uncompressed P-256 point; whitelisted on both domains
//	func (c *Car) RemoveKey(publicKey []byte)
//	func (c *Car) HasKey(publicKey []byte) bool
//	func (c *Car) Keys() [][]byte
//	func (c *Car) Reboot(domain string)                 // "vcsec" | "infotainment" | "": new epoch(s), as after a restart
//	func (c *Car) Stats() Stats
//	func CommandNames(routableMessage []byte) (names []string, readable bool) // for signed_command scope checks
