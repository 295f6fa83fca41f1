package fleet

// Tesla's values for vehicle command parameters. Package command's table
// defines the commands themselves (names, bodies, ranges); these are the
// enums its constructors take.

// Trunks (actuate_trunk's which_trunk).
const (
	TrunkFront = "front"
	TrunkRear  = "rear"
)

// Seat is a remote_seat_heater_request seat_position.
type Seat int

// Seats (Tesla's numbering).
const (
	SeatFrontLeft Seat = iota
	SeatFrontRight
	SeatRearLeft
	SeatRearLeftBack
	SeatRearCenter
	SeatRearRight
	SeatRearRightBack
	SeatThirdRowLeft
	SeatThirdRowRight
)

// Climate keeper modes (set_climate_keeper_mode's climate_keeper_mode).
const (
	ClimateKeeperOff  = 0
	ClimateKeeperKeep = 1
	ClimateKeeperDog  = 2
	ClimateKeeperCamp = 3
)

// Boombox sounds (remote_boombox's sound).
const (
	BoomboxFart       = 0
	BoomboxLocatePing = 2000
)
