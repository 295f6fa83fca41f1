package world

// Temporary bodies so that consumers compile while the world is built.
// The world's implementation replaces every function here and deletes this file.

import "time"

// World is the simulated state of every account, vehicle and energy site.
type World struct{}

func New(opts Options) *World                               { panic("world: unimplemented") }
func NewDemo(opts Options) *World                           { panic("world: unimplemented") }
func LoadFixtures(dir string, opts Options) (*World, error) { panic("world: unimplemented") }
func (w *World) Now() time.Time                             { panic("world: unimplemented") }
func (w *World) Advance(d time.Duration)                    { panic("world: unimplemented") }
func (w *World) SetSpeed(speed float64)                     { panic("world: unimplemented") }
func (w *World) Accounts() []Account                        { panic("world: unimplemented") }
func (w *World) Account(idOrEmail string) (Account, bool)   { panic("world: unimplemented") }
func (w *World) AddAccount(email, region string) Account    { panic("world: unimplemented") }
func (w *World) SetAccountRegion(idOrEmail, region string) error {
	panic("world: unimplemented")
}
func (w *World) Products(accountID string) []map[string]any { panic("world: unimplemented") }
func (w *World) Vehicles(accountID string) []map[string]any { panic("world: unimplemented") }
func (w *World) VIN(accountID, tag string) (string, error)  { panic("world: unimplemented") }
func (w *World) Vehicle(accountID, tag string) (map[string]any, error) {
	panic("world: unimplemented")
}
func (w *World) VehicleData(accountID, tag string, q DataQuery) (map[string]any, error) {
	panic("world: unimplemented")
}
func (w *World) WakeUp(accountID, tag string) (map[string]any, error) {
	panic("world: unimplemented")
}
func (w *World) Command(vin, name string, params map[string]any) (CommandResult, error) {
	panic("world: unimplemented")
}
func (w *World) CommandSigning(vin string) string            { panic("world: unimplemented") }
func (w *World) Online(vin string) bool                      { panic("world: unimplemented") }
func (w *World) AllVINs() []string                           { panic("world: unimplemented") }
func (w *World) SetVehicle(vin string, p VehiclePatch) error { panic("world: unimplemented") }
func (w *World) SiteInfo(accountID string, siteID int64) (map[string]any, error) {
	panic("world: unimplemented")
}
func (w *World) LiveStatus(accountID string, siteID int64) (map[string]any, error) {
	panic("world: unimplemented")
}
func (w *World) CalendarHistory(accountID string, siteID int64, q HistoryQuery) (map[string]any, error) {
	panic("world: unimplemented")
}
func (w *World) SiteCommand(accountID string, siteID int64, name string, body map[string]any) (map[string]any, error) {
	panic("world: unimplemented")
}
func (w *World) Snapshot() map[string]any { panic("world: unimplemented") }
