package vcp

// Temporary bodies so that consumers compile while the car is built.
// The implementation replaces every function here and deletes this file.

// Car is the vehicle side of the Vehicle Command Protocol for one vehicle.
type Car struct{}

func NewCar(opts Options) (*Car, error)      { panic("vcp: unimplemented") }
func (c *Car) Handle(msg []byte) []byte      { panic("vcp: unimplemented") }
func (c *Car) AddKey(publicKey []byte) error { panic("vcp: unimplemented") }
func (c *Car) RemoveKey(publicKey []byte)    { panic("vcp: unimplemented") }
func (c *Car) HasKey(publicKey []byte) bool  { panic("vcp: unimplemented") }
func (c *Car) Keys() [][]byte                { panic("vcp: unimplemented") }
func (c *Car) Reboot(domain string)          { panic("vcp: unimplemented") }
func (c *Car) Stats() Stats                  { panic("vcp: unimplemented") }
