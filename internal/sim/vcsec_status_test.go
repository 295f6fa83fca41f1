package sim

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/connector"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/vcsec"
	"github.com/teslamotors/vehicle-command/pkg/vehicle"
)

// cloudConn is a Fleet API connector, like tesla-control's: each message
// goes to the vehicle through the cloud (send) and the car's reply is
// queued for the SDK's dispatcher.
type cloudConn struct {
	vin  string
	send func(msg []byte) ([]byte, error)
	recv chan []byte
}

var _ connector.FleetAPIConnector = (*cloudConn)(nil)

func (c *cloudConn) Receive() <-chan []byte { return c.recv }

func (c *cloudConn) Send(ctx context.Context, buf []byte) error {
	reply, err := c.send(buf)
	if err != nil {
		return err
	}
	select {
	case c.recv <- reply:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *cloudConn) VIN() string                               { return c.vin }
func (c *cloudConn) Close()                                    {}
func (c *cloudConn) PreferredAuthMethod() connector.AuthMethod { return connector.AuthMethodHMAC }
func (c *cloudConn) RetryInterval() time.Duration              { return 10 * time.Millisecond }
func (c *cloudConn) AllowedLatency() time.Duration             { return 10 * time.Second }
func (c *cloudConn) Wakeup(context.Context) error              { return nil }
func (c *cloudConn) SendFleetAPICommand(context.Context, string, interface{}) ([]byte, error) {
	return nil, errors.New("not supported")
}

// signedCommandConn sends through POST /api/1/vehicles/{vin}/signed_command.
func (e *env) signedCommandConn(vin string) *cloudConn {
	return &cloudConn{vin: vin, recv: make(chan []byte, 8), send: func(msg []byte) ([]byte, error) {
		st, b := e.do("POST", "NA", "/api/1/vehicles/"+vin+"/signed_command", e.tok,
			map[string]string{"routable_message": base64.StdEncoding.EncodeToString(msg)})
		if st != 200 {
			return nil, fmt.Errorf("signed_command: %d %s", st, b)
		}
		var env struct {
			Response string `json:"response"`
		}
		mustJSON(e.t, b, &env)
		return base64.StdEncoding.DecodeString(env.Response)
	}}
}

// bodyControllerState reads VCSEC's VehicleStatus with the SDK, as
// tesla-control body-controller-state does (an unsigned request: no key).
func bodyControllerState(t *testing.T, conn *cloudConn) *vcsec.VehicleStatus {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v, err := vehicle.NewVehicle(conn, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	defer v.Disconnect()
	st, err := v.BodyControllerState(ctx)
	if err != nil {
		t.Fatalf("BodyControllerState: %v", err)
	}
	return st
}

func TestBodyControllerStateReadsTheWorld(t *testing.T) {
	e := startEnv(t, nil)
	e.setState(e.m3, "online")
	conn := e.signedCommandConn(e.m3)

	e.ctl("PATCH", "/_sim/vehicles/"+e.m3, map[string]any{"locked": true, "user_present": false})
	st := bodyControllerState(t, conn)
	if st.GetVehicleLockState() != vcsec.VehicleLockState_E_VEHICLELOCKSTATE_LOCKED {
		t.Errorf("locked car: lock state %v", st.GetVehicleLockState())
	}
	if st.GetVehicleSleepStatus() != vcsec.VehicleSleepStatus_E_VEHICLE_SLEEP_STATUS_AWAKE {
		t.Errorf("online car: sleep status %v", st.GetVehicleSleepStatus())
	}
	if st.GetUserPresence() != vcsec.UserPresence_E_VEHICLE_USER_PRESENCE_NOT_PRESENT {
		t.Errorf("no user: presence %v", st.GetUserPresence())
	}
	if cs := st.GetClosureStatuses(); cs == nil || cs.GetFrontDriverDoor() != vcsec.ClosureState_E_CLOSURESTATE_CLOSED {
		t.Errorf("closures = %v", cs)
	}

	e.ctl("PATCH", "/_sim/vehicles/"+e.m3, map[string]any{"locked": false, "user_present": true})
	st = bodyControllerState(t, conn)
	if st.GetVehicleLockState() != vcsec.VehicleLockState_E_VEHICLELOCKSTATE_UNLOCKED {
		t.Errorf("unlocked car: lock state %v", st.GetVehicleLockState())
	}
	if st.GetUserPresence() != vcsec.UserPresence_E_VEHICLE_USER_PRESENCE_PRESENT {
		t.Errorf("present user: presence %v", st.GetUserPresence())
	}

	// The Fleet API does not reach an asleep car (408); its body
	// controller, reached directly, says it is asleep. Reading it does not
	// wake the car.
	e.ctl("PATCH", "/_sim/vehicles/"+e.m3, map[string]any{"user_present": false, "state": "asleep"})
	car, ok := e.s.Car(e.m3)
	if !ok {
		t.Fatal("no protocol car")
	}
	direct := &cloudConn{vin: e.m3, recv: make(chan []byte, 8), send: func(msg []byte) ([]byte, error) {
		return car.Handle(msg), nil
	}}
	st = bodyControllerState(t, direct)
	if st.GetVehicleSleepStatus() != vcsec.VehicleSleepStatus_E_VEHICLE_SLEEP_STATUS_ASLEEP {
		t.Errorf("asleep car: sleep status %v", st.GetVehicleSleepStatus())
	}
	if st.GetVehicleLockState() != vcsec.VehicleLockState_E_VEHICLELOCKSTATE_UNLOCKED {
		t.Errorf("asleep unlocked car: lock state %v", st.GetVehicleLockState())
	}
	if e.s.World().Online(e.m3) {
		t.Error("reading the body controller woke the car")
	}
}
