package vcp

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teslamotors/vehicle-command/pkg/cache"
	"github.com/teslamotors/vehicle-command/pkg/connector"
	"github.com/teslamotors/vehicle-command/pkg/protocol"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/vcsec"
	"github.com/teslamotors/vehicle-command/pkg/vehicle"
	"google.golang.org/protobuf/proto"
)

// loopConn is a Fleet API connector that hands each message straight to the
// car and queues the car's reply for the SDK's dispatcher.
type loopConn struct {
	car  *Car
	recv chan []byte

	mu      sync.Mutex
	sent    [][]byte
	replies [][]byte
}

var _ connector.FleetAPIConnector = (*loopConn)(nil)

func newLoopConn(car *Car) *loopConn { return &loopConn{car: car, recv: make(chan []byte, 32)} }

func (l *loopConn) Receive() <-chan []byte { return l.recv }

func (l *loopConn) Send(ctx context.Context, buf []byte) error {
	l.mu.Lock()
	l.sent = append(l.sent, clone(buf))
	l.mu.Unlock()
	reply := l.car.Handle(buf)
	l.mu.Lock()
	l.replies = append(l.replies, reply)
	l.mu.Unlock()
	select {
	case l.recv <- reply:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// last returns the last message sent to domain with an application payload.
func (l *loopConn) last(t *testing.T, domain universal.Domain) []byte {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := len(l.sent) - 1; i >= 0; i-- {
		var m universal.RoutableMessage
		if proto.Unmarshal(l.sent[i], &m) == nil && m.GetToDestination().GetDomain() == domain && m.GetProtobufMessageAsBytes() != nil {
			return l.sent[i]
		}
	}
	t.Fatal("no command sent")
	return nil
}

func (l *loopConn) VIN() string                               { return l.car.vin }
func (l *loopConn) Close()                                    {}
func (l *loopConn) PreferredAuthMethod() connector.AuthMethod { return connector.AuthMethodHMAC }
func (l *loopConn) RetryInterval() time.Duration              { return 10 * time.Millisecond }
func (l *loopConn) AllowedLatency() time.Duration             { return 10 * time.Second }
func (l *loopConn) Wakeup(context.Context) error              { return nil }
func (l *loopConn) SendFleetAPICommand(context.Context, string, interface{}) ([]byte, error) {
	return nil, errors.New("not supported")
}

func newClientKey(t *testing.T) protocol.ECDHPrivateKey {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return protocol.UnmarshalECDHPrivateKey(k.Bytes())
}

func connect(t *testing.T, ctx context.Context, conn *loopConn, key protocol.ECDHPrivateKey, c *cache.SessionCache) *vehicle.Vehicle {
	t.Helper()
	v, err := vehicle.NewVehicle(conn, key, c)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Disconnect)
	return v
}

func TestSDKEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	clk, rec := newFakeClock(), newRecorder()
	car := newTestCar(t, clk, rec)
	key := newClientKey(t)
	if err := car.AddKey(key.PublicBytes()); err != nil {
		t.Fatal(err)
	}
	conn := newLoopConn(car)
	v := connect(t, ctx, conn, key, nil)
	if err := v.StartSession(ctx, nil); err != nil {
		t.Fatalf("StartSession: %v", err)
	}
	if s := car.Stats(); s.Handshakes != 2 {
		t.Fatalf("handshakes = %d, want 2", s.Handshakes)
	}

	commands := []struct {
		name   string
		run    func(context.Context) error
		want   string
		params map[string]any
	}{
		{"Lock", v.Lock, "door_lock", nil},
		{"Unlock", v.Unlock, "door_unlock", nil},
		{"ChargeStart", v.ChargeStart, "charge_start", nil},
		{"SetChargingAmps", func(ctx context.Context) error { return v.SetChargingAmps(ctx, 16) }, "set_charging_amps", map[string]any{"charging_amps": 16.0}},
		{"ChangeChargeLimit", func(ctx context.Context) error { return v.ChangeChargeLimit(ctx, 80) }, "set_charge_limit", map[string]any{"percent": 80.0}},
		{"ClimateOn", v.ClimateOn, "auto_conditioning_start", nil},
		{"ChangeClimateTemp", func(ctx context.Context) error { return v.ChangeClimateTemp(ctx, 21.5, 22.1) }, "set_temps", map[string]any{"driver_temp": 21.5, "passenger_temp": 22.1}},
		{"OpenTrunk", v.OpenTrunk, "actuate_trunk", map[string]any{"which_trunk": "rear"}},
		{"OpenFrunk", v.OpenFrunk, "actuate_trunk", map[string]any{"which_trunk": "front"}},
		{"SetSentryMode", func(ctx context.Context) error { return v.SetSentryMode(ctx, true) }, "set_sentry_mode", map[string]any{"on": true}},
		{"Ping", v.Ping, "", nil},
	}
	for _, c := range commands {
		if err := c.run(ctx); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		calls := rec.take()
		if c.want == "" {
			if len(calls) != 0 {
				t.Errorf("%s: unexpected calls %+v", c.name, calls)
			}
			continue
		}
		if len(calls) != 1 || calls[0].name != c.want || !sameParams(calls[0].params, c.params) {
			t.Errorf("%s: calls = %+v, want %s %v", c.name, calls, c.want, c.params)
		}
	}
	if s := car.Stats(); s.Commands != len(commands) || s.Rejected != 0 || s.Handshakes != 2 {
		t.Errorf("stats = %+v", s)
	}
	// The SDK asks for encrypted replies (flags & 2) and decrypted them all.
	conn.mu.Lock()
	for _, r := range conn.replies[2:] {
		if decodeReply(t, r).GetSignatureData().GetAES_GCM_ResponseData() == nil {
			t.Error("command reply not encrypted")
		}
	}
	conn.mu.Unlock()

	t.Run("status and keys unsigned", func(t *testing.T) {
		rec.set(func(r *recorder) { r.locked = true })
		st, err := v.BodyControllerState(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.GetVehicleLockState() != vcsec.VehicleLockState_E_VEHICLELOCKSTATE_LOCKED {
			t.Errorf("lock state = %v", st.GetVehicleLockState())
		}
		info, err := v.KeySummary(ctx)
		if err != nil || info.GetNumberOfEntries() != 1 {
			t.Errorf("KeySummary = %v, %v", info, err)
		}
	})

	t.Run("refusals are nominal errors", func(t *testing.T) {
		rec.set(func(r *recorder) { r.refuse["charge_stop"] = "not_charging" })
		err := v.ChargeStop(ctx)
		if !protocol.IsNominalError(err) || !strings.Contains(err.Error(), "not_charging") {
			t.Errorf("ChargeStop: %v", err)
		}
		rec.set(func(r *recorder) { r.fail["flash_lights"] = errBoom })
		if err := v.FlashLights(ctx); !protocol.IsNominalError(err) || !strings.Contains(err.Error(), "boom") {
			t.Errorf("FlashLights: %v", err)
		}
		rec.set(func(r *recorder) { r.refuse["door_lock"] = "closures_open" })
		if err := v.Lock(ctx); !protocol.IsNominalError(err) {
			t.Errorf("Lock: %v", err)
		}
		other, err := ecdh.P256().NewPublicKey(newClientKey(t).PublicBytes())
		if err != nil {
			t.Fatal(err)
		}
		if err := v.AddKey(ctx, other, false, vcsec.KeyFormFactor_KEY_FORM_FACTOR_CLOUD_KEY); !protocol.IsNominalError(err) {
			t.Errorf("AddKey over the internet: %v", err)
		}
		rec.take()
	})

	t.Run("reboot resyncs", func(t *testing.T) {
		before := car.Stats()
		car.Reboot("")
		if err := v.ChargeStart(ctx); err != nil {
			t.Fatalf("after infotainment reboot: %v", err)
		}
		if err := v.Unlock(ctx); err != nil {
			t.Fatalf("after vcsec reboot: %v", err)
		}
		after := car.Stats()
		if after.Rejected != before.Rejected+2 || after.Commands != before.Commands+2 || after.Handshakes != before.Handshakes {
			t.Errorf("stats %+v → %+v", before, after)
		}
		if calls := rec.take(); len(calls) != 2 || calls[0].name != "charge_start" || calls[1].name != "door_unlock" {
			t.Errorf("calls = %+v", calls)
		}
	})

	t.Run("replay", func(t *testing.T) {
		for _, d := range []universal.Domain{universal.Domain_DOMAIN_INFOTAINMENT, universal.Domain_DOMAIN_VEHICLE_SECURITY} {
			reply := decodeReply(t, car.Handle(conn.last(t, d)))
			if f := fault(reply); f != universal.MessageFault_E_MESSAGEFAULT_ERROR_INVALID_TOKEN_OR_COUNTER {
				t.Errorf("%v replay: fault %v", d, f)
			}
			if reply.GetSessionInfo() == nil || reply.GetSignatureData().GetSessionInfoTag() == nil {
				t.Errorf("%v replay: no signed session info", d)
			}
		}
		if calls := rec.take(); len(calls) != 0 {
			t.Errorf("replay executed %+v", calls)
		}
	})

	t.Run("tampered", func(t *testing.T) {
		var m universal.RoutableMessage
		if err := proto.Unmarshal(conn.last(t, universal.Domain_DOMAIN_INFOTAINMENT), &m); err != nil {
			t.Fatal(err)
		}
		p := clone(m.GetProtobufMessageAsBytes())
		p[len(p)-1] ^= 1
		m.Payload = &universal.RoutableMessage_ProtobufMessageAsBytes{ProtobufMessageAsBytes: p}
		reply := decodeReply(t, car.Handle(marshal(t, &m)))
		if f := fault(reply); f != universal.MessageFault_E_MESSAGEFAULT_ERROR_INVALID_SIGNATURE {
			t.Errorf("fault %v", f)
		}
	})

	t.Run("expired", func(t *testing.T) {
		if err := v.ChargeStart(ctx); err != nil {
			t.Fatal(err)
		}
		captured := conn.last(t, universal.Domain_DOMAIN_INFOTAINMENT)
		clk.Advance(time.Hour)
		reply := decodeReply(t, car.Handle(captured))
		if f := fault(reply); f != universal.MessageFault_E_MESSAGEFAULT_ERROR_TIME_EXPIRED {
			t.Errorf("fault %v", f)
		}
		// The client resynchronizes its clock from the attached session info.
		if err := v.Ping(ctx); err != nil {
			t.Errorf("Ping after clock jump: %v", err)
		}
	})

	t.Run("session cache", func(t *testing.T) {
		sc := cache.New(4)
		if err := v.UpdateCachedSessions(sc); err != nil {
			t.Fatal(err)
		}
		before := car.Stats().Handshakes
		v2 := connect(t, ctx, newLoopConn(car), key, sc)
		if err := v2.StartSession(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := v2.ChargeStop(ctx); err != nil && !protocol.IsNominalError(err) {
			t.Fatal(err)
		}
		if err := v2.Unlock(ctx); err != nil {
			t.Fatal(err)
		}
		if got := car.Stats().Handshakes; got != before {
			t.Errorf("handshakes %d → %d with a session cache", before, got)
		}
	})
}

func TestSDKUnpairedKey(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	car := newTestCar(t, newFakeClock(), newRecorder())
	if err := car.AddKey(newClientKey(t).PublicBytes()); err != nil {
		t.Fatal(err)
	}
	v := connect(t, ctx, newLoopConn(car), newClientKey(t), nil)
	err := v.StartSession(ctx, nil)
	if !errors.Is(err, protocol.ErrKeyNotPaired) {
		t.Fatalf("StartSession = %v, want ErrKeyNotPaired", err)
	}
	if ctx.Err() != nil {
		t.Fatal("the client waited for its deadline instead of failing at once")
	}
}

func TestSDKRemovedKey(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	car := newTestCar(t, newFakeClock(), newRecorder())
	key := newClientKey(t)
	if err := car.AddKey(key.PublicBytes()); err != nil {
		t.Fatal(err)
	}
	v := connect(t, ctx, newLoopConn(car), key, nil)
	if err := v.StartSession(ctx, nil); err != nil {
		t.Fatal(err)
	}
	car.RemoveKey(key.PublicBytes())
	if err := v.ChargeStart(ctx); !errors.Is(err, protocol.ErrKeyNotPaired) {
		t.Fatalf("ChargeStart = %v, want ErrKeyNotPaired", err)
	}
}

func sameParams(got, want map[string]any) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}
