package vcp

import (
	"strconv"
	"strings"

	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/carserver"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Reasons given in ActionStatus for actions the car does not run.
const (
	reasonUnsupported = "unsupported action"
	reasonInvalid     = "invalid action parameters"
)

// infotainmentCommand runs a CarServer.Action and encodes the
// CarServer.Response reply.
func (c *Car) infotainmentCommand(payload []byte) ([]byte, universal.MessageFault_E) {
	var action carserver.Action
	if err := proto.Unmarshal(payload, &action); err != nil {
		return nil, universal.MessageFault_E_MESSAGEFAULT_ERROR_DECODING
	}
	out, err := proto.Marshal(c.vehicleAction(action.GetVehicleAction()))
	if err != nil {
		out, err = proto.Marshal(failure("internal error"))
		if err != nil {
			return nil, universal.MessageFault_E_MESSAGEFAULT_ERROR_INTERNAL
		}
	}
	return out, universal.MessageFault_E_MESSAGEFAULT_ERROR_NONE
}

// vehicleAction answers the queries itself and maps every other action to
// Executor calls: OK when all succeed, else ERROR with the refusal reason.
func (c *Car) vehicleAction(va *carserver.VehicleAction) *carserver.Response {
	switch m := va.GetVehicleActionMsg().(type) {
	case *carserver.VehicleAction_Ping:
		return &carserver.Response{ActionStatus: okStatus(), ResponseMsg: &carserver.Response_Ping{Ping: &carserver.Ping{
			PingId:              m.Ping.GetPingId(),
			LocalTimestamp:      timestamppb.New(c.now()),
			LastRemoteTimestamp: m.Ping.GetLocalTimestamp(),
		}}}
	case *carserver.VehicleAction_GetVehicleData:
		// Vehicle data travels over REST (vehicle_data); the signed query
		// answers with an empty record, as the SDK documentation advises.
		return &carserver.Response{ActionStatus: okStatus(), ResponseMsg: &carserver.Response_VehicleData{VehicleData: &carserver.VehicleData{}}}
	case *carserver.VehicleAction_GetNearbyChargingSites:
		return &carserver.Response{ActionStatus: okStatus(), ResponseMsg: &carserver.Response_GetNearbyChargingSites{
			GetNearbyChargingSites: &carserver.NearbyChargingSites{},
		}}
	}
	calls, reason := actionCalls(va)
	if calls == nil {
		return failure(reason)
	}
	if ok, reason := c.run(calls); !ok {
		return failure(reason)
	}
	return &carserver.Response{ActionStatus: okStatus()}
}

func okStatus() *carserver.ActionStatus {
	return &carserver.ActionStatus{Result: carserver.OperationStatus_E_OPERATIONSTATUS_OK}
}

// failure is an ERROR ActionStatus; the client reports the reason as
// "car could not execute command: <reason>".
func failure(reason string) *carserver.Response {
	status := &carserver.ActionStatus{Result: carserver.OperationStatus_E_OPERATIONSTATUS_ERROR}
	if reason != "" {
		status.ResultReason = &carserver.ResultReason{Reason: &carserver.ResultReason_PlainText{
			PlainText: strings.ToValidUTF8(reason, "\uFFFD"),
		}}
	}
	return &carserver.Response{ActionStatus: status}
}

// f32 converts a protobuf float to the float64 a JSON body would carry,
// keeping its shortest decimal form (21.1, not 21.100000381…).
func f32(v float32) float64 {
	f, err := strconv.ParseFloat(strconv.FormatFloat(float64(v), 'g', -1, 32), 64)
	if err != nil {
		return float64(v)
	}
	return f
}

// daysOfWeek renders a schedule's day bitmask (bit 0 = Sunday) in the REST
// form: "All", "Weekdays" or a comma-separated list of day names.
func daysOfWeek(mask int32) string {
	switch mask & 0x7f {
	case 0x7f:
		return "All"
	case 0x3e:
		return "Weekdays"
	}
	names := []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	var days []string
	for i, n := range names {
		if mask&(1<<i) != 0 {
			days = append(days, n)
		}
	}
	return strings.Join(days, ",")
}
