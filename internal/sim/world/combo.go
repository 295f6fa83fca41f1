package world

import (
	"encoding/base64"
	"math"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/carserver"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// comboBlob is vehicle_data_combo's "vehicle_data": the car's state as a
// base64 carserver.VehicleData protobuf (the main fields of each section).
func (v *vehicle) comboBlob(now time.Time, location bool) string {
	ts := timestamppb.New(now)
	void := &carserver.Void{}
	cs := &carserver.ChargeState{
		ChargingState:              v.chargingStateProto(void),
		OptionalBatteryLevel:       &carserver.ChargeState_BatteryLevel{BatteryLevel: int32(math.Floor(v.level + 1e-9))},
		OptionalBatteryRange:       &carserver.ChargeState_BatteryRange{BatteryRange: float32(v.level * v.milesPerPct)},
		OptionalChargeLimitSoc:     &carserver.ChargeState_ChargeLimitSoc{ChargeLimitSoc: int32(v.limit)},
		OptionalChargerPower:       &carserver.ChargeState_ChargerPower{ChargerPower: int32(math.Round(v.chargerKW))},
		OptionalChargeEnergyAdded:  &carserver.ChargeState_ChargeEnergyAdded{ChargeEnergyAdded: float32(v.energyAdded)},
		OptionalChargingAmps:       &carserver.ChargeState_ChargingAmps{ChargingAmps: int32(v.amps)},
		OptionalChargePortDoorOpen: &carserver.ChargeState_ChargePortDoorOpen{ChargePortDoorOpen: v.portOpen},
		Timestamp:                  ts,
	}
	cl := &carserver.ClimateState{
		OptionalInsideTempCelsius:  &carserver.ClimateState_InsideTempCelsius{InsideTempCelsius: float32(v.inside)},
		OptionalOutsideTempCelsius: &carserver.ClimateState_OutsideTempCelsius{OutsideTempCelsius: float32(v.outside)},
		OptionalDriverTempSetting:  &carserver.ClimateState_DriverTempSetting{DriverTempSetting: float32(v.driverSet)},
		OptionalIsClimateOn:        &carserver.ClimateState_IsClimateOn{IsClimateOn: v.climateOn},
		Timestamp:                  ts,
	}
	shift := &carserver.ShiftState{Type: &carserver.ShiftState_P{P: void}}
	if v.driving {
		shift = &carserver.ShiftState{Type: &carserver.ShiftState_D{D: void}}
	}
	ds := &carserver.DriveState{
		ShiftState:                          shift,
		OptionalPower:                       &carserver.DriveState_Power{Power: int32(math.Round(v.powerKW))},
		OptionalSpeedFloat:                  &carserver.DriveState_SpeedFloat{SpeedFloat: float32(v.speed)},
		OptionalOdometerInHundredthsOfAMile: &carserver.DriveState_OdometerInHundredthsOfAMile{OdometerInHundredthsOfAMile: int32(v.odometer * 100)},
		Timestamp:                           ts,
	}
	closures := &carserver.ClosuresState{
		OptionalLocked:        &carserver.ClosuresState_Locked{Locked: v.locked},
		OptionalIsUserPresent: &carserver.ClosuresState_IsUserPresent{IsUserPresent: v.userPresent},
		Timestamp:             ts,
	}
	vd := &carserver.VehicleData{ChargeState: cs, ClimateState: cl, DriveState: ds, ClosuresState: closures}
	if location {
		vd.LocationState = &carserver.LocationState{
			OptionalLatitude:  &carserver.LocationState_Latitude{Latitude: float32(v.lat)},
			OptionalLongitude: &carserver.LocationState_Longitude{Longitude: float32(v.lon)},
			OptionalHeading:   &carserver.LocationState_Heading{Heading: uint32(math.Mod(math.Round(v.heading), 360))},
			Timestamp:         ts,
		}
	}
	b, err := proto.Marshal(vd)
	if err != nil {
		return "" // cannot happen for a well-formed message
	}
	return base64.StdEncoding.EncodeToString(b)
}

func (v *vehicle) chargingStateProto(void *carserver.Void) *carserver.ChargeState_ChargingState {
	s := &carserver.ChargeState_ChargingState{}
	switch v.chargingState {
	case "Charging":
		s.Type = &carserver.ChargeState_ChargingState_Charging{Charging: void}
	case "Complete":
		s.Type = &carserver.ChargeState_ChargingState_Complete{Complete: void}
	case "Stopped":
		s.Type = &carserver.ChargeState_ChargingState_Stopped{Stopped: void}
	case "Starting":
		s.Type = &carserver.ChargeState_ChargingState_Starting{Starting: void}
	case "NoPower":
		s.Type = &carserver.ChargeState_ChargingState_NoPower{NoPower: void}
	default:
		s.Type = &carserver.ChargeState_ChargingState_Disconnected{Disconnected: void}
	}
	return s
}
