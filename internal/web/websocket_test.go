package web

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/teslafleet/teslafleet/internal/command"
	"github.com/teslafleet/teslafleet/internal/entity"
	"github.com/teslafleet/teslafleet/internal/fleet"
)

// wsSender records the commands sent and fails the ones named in fail.
type wsSender struct {
	mu   sync.Mutex
	sent []string
	fail map[string]error
}

func (s *wsSender) Send(_ context.Context, _ string, cmds ...command.Command) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cmds {
		s.sent = append(s.sent, c.Name())
		if err := s.fail[c.Name()]; err != nil {
			return err
		}
	}
	return nil
}
func (s *wsSender) WakeUp(context.Context, string) error { return nil }
func (s *wsSender) SendSite(_ context.Context, _ int64, c command.Command) error {
	return s.Send(context.Background(), "", c)
}

func (s *wsSender) commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.sent...)
}

// wsFixture is a registry holding Home Assistant's fixture vehicle, and
// a way to change its battery level.
type wsFixture struct {
	reg  *entity.Registry
	snd  *wsSender
	vin  string
	data fleet.VehicleData
}

func newWSFixture(t *testing.T) *wsFixture {
	t.Helper()
	f := &wsFixture{reg: entity.New(entity.Options{}), snd: &wsSender{fail: map[string]error{
		"door_lock": &command.Error{Op: "door_lock", Class: fleet.ErrRefused, Reason: "user_not_present"},
	}}}
	f.reg.AddAccount(entity.Account{ID: "a", Sender: f.snd, Scopes: []string{"vehicle_device_data", "vehicle_cmds", "vehicle_charging_cmds"}})
	var products fleet.Products
	fixture(t, "products.json", &products.Items)
	fixture(t, "vehicle_data.json", &f.data)
	v := products.Vehicles()[0]
	if _, err := f.reg.AddVehicle("a", v); err != nil {
		t.Fatal(err)
	}
	f.vin = *v.VIN
	f.reg.UpdateVehicle(f.vin, "online", &f.data, nil)
	return f
}

// setBattery changes sensor.test_battery_level through the registry.
func (f *wsFixture) setBattery(level float64) {
	f.data.ChargeState.BatteryLevel = &level
	f.reg.UpdateVehicle(f.vin, "online", &f.data, nil)
}

// serve serves the whole API over the fixture.
func (f *wsFixture) serve(t *testing.T) *httptest.Server {
	t.Helper()
	h, err := New(Options{Registry: f.reg, Tokens: []string{"other-token", token}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func wsURL(srv *httptest.Server) string {
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/api/websocket"
}

// wsClient is a test client speaking JSON messages.
type wsClient struct {
	t *testing.T
	c *websocket.Conn
}

func dialWS(t *testing.T, url string) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return &wsClient{t, c}
}

func (w *wsClient) sendRaw(s string) {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := w.c.Write(ctx, websocket.MessageText, []byte(s)); err != nil {
		w.t.Fatal(err)
	}
}

func (w *wsClient) recv() map[string]any {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, b, err := w.c.Read(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		w.t.Fatalf("%v: %s", err, b)
	}
	return m
}

func (w *wsClient) recvRaw() string {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, b, err := w.c.Read(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return string(b)
}

// login runs the auth phase with tok.
func login(t *testing.T, url, tok string) *wsClient {
	t.Helper()
	w := dialWS(t, url)
	if got := w.recvRaw(); got != `{"type":"auth_required","ha_version":"2026.12.0"}` {
		t.Fatalf("first message %s", got)
	}
	w.sendRaw(`{"type":"auth","access_token":"` + tok + `"}`)
	return w
}

func authed(t *testing.T, url string) *wsClient {
	t.Helper()
	w := login(t, url, token)
	if got := w.recvRaw(); got != `{"type":"auth_ok","ha_version":"2026.12.0"}` {
		t.Fatalf("auth answer %s", got)
	}
	return w
}

func TestWebSocketAuth(t *testing.T) {
	srv := newWSFixture(t).serve(t)
	// The route needs no bearer header; the token goes in the protocol.
	w := login(t, wsURL(srv), "nope")
	if got := w.recvRaw(); got != `{"type":"auth_invalid","message":"Invalid access token or password"}` {
		t.Fatalf("wrong token: %s", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, _, err := w.c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("after auth_invalid: %v, want the connection closed", err)
	}

	w = login(t, wsURL(srv), "other-token")
	if m := w.recv(); m["type"] != "auth_ok" {
		t.Fatalf("second token refused: %v", m)
	}
	w.sendRaw(`{"id":1,"type":"ping"}`)
	if got := w.recvRaw(); got != `{"id":1,"type":"pong"}` {
		t.Errorf("ping: %s", got)
	}

	w = dialWS(t, wsURL(srv))
	w.recv()
	w.sendRaw(`{"type":"login"}`)
	if m := w.recv(); m["type"] != "auth_invalid" || !strings.HasPrefix(m["message"].(string), "Auth message incorrectly formatted") {
		t.Errorf("bad auth message: %v", m)
	}
}

// The protocol's errors, in Home Assistant's words.
func TestWebSocketErrors(t *testing.T) {
	srv := newWSFixture(t).serve(t)
	w := authed(t, wsURL(srv))
	cases := []struct{ send, want string }{
		{`{"id":5,"type":"ping"}`, `{"id":5,"type":"pong"}`},
		{`{"id":5,"type":"ping"}`, `{"id":5,"type":"result","success":false,"error":{"code":"id_reuse","message":"Identifier values have to increase."}}`},
		{`{"id":4,"type":"get_states"}`, `{"id":4,"type":"result","success":false,"error":{"code":"id_reuse","message":"Identifier values have to increase."}}`},
		{`{"id":6,"type":"explode"}`, `{"id":6,"type":"result","success":false,"error":{"code":"unknown_command","message":"Unknown command."}}`},
		{`{"id":7,`, `{"id":0,"type":"result","success":false,"error":{"code":"invalid_format","message":"Message incorrectly formatted."}}`},
		{`{"type":"ping"}`, `{"id":null,"type":"result","success":false,"error":{"code":"invalid_format","message":"Message incorrectly formatted."}}`},
		{`{"id":"8","type":"ping"}`, `{"id":"8","type":"result","success":false,"error":{"code":"invalid_format","message":"Message incorrectly formatted."}}`},
		{`{"id":9}`, `{"id":9,"type":"result","success":false,"error":{"code":"invalid_format","message":"Message incorrectly formatted."}}`},
		{`{"id":10,"type":"unsubscribe_events","subscription":99}`, `{"id":10,"type":"result","success":false,"error":{"code":"not_found","message":"Subscription not found."}}`},
		{`{"id":11,"type":"unsubscribe_events"}`, `{"id":11,"type":"result","success":false,"error":{"code":"invalid_format","message":"required key not provided @ data['subscription']. Got None"}}`},
		{`{"id":12,"type":"call_service","domain":"switch","service":"explode","target":{"entity_id":"switch.test_sentry_mode"}}`,
			`{"id":12,"type":"result","success":false,"error":{"code":"not_found","message":"Service not found."}}`},
		{`{"id":13,"type":"call_service","domain":"number","service":"set_value","service_data":{"value":20},"target":{"entity_id":"number.test_charge_limit"}}`,
			`{"id":13,"type":"result","success":false,"error":{"code":"service_validation_error","message":"Validation error: Value 20.0 for number.test_charge_limit is outside valid range 50 - 100"}}`},
		{`{"id":14,"type":"call_service","domain":"lock","service":"lock","service_data":{"force":true},"target":{"entity_id":"lock.test_lock"}}`,
			`{"id":14,"type":"result","success":false,"error":{"code":"invalid_format","message":"extra keys not allowed @ data['force']"}}`},
		{`{"id":15,"type":"call_service","domain":"lock","service":"lock","target":{"entity_id":"lock.test_lock"}}`,
			`{"id":15,"type":"result","success":false,"error":{"code":"home_assistant_error","message":"Command was unsuccessful: user_not_present"}}`},
		{`{"id":16,"type":"call_service","service":"lock"}`,
			`{"id":16,"type":"result","success":false,"error":{"code":"invalid_format","message":"required key not provided @ data['domain']. Got None"}}`},
	}
	for _, c := range cases {
		w.sendRaw(c.send)
		if got := w.recvRaw(); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.send, got, c.want)
		}
	}
}

// Commands answer in Home Assistant's shapes; subscriptions follow the
// registry.
func TestWebSocketCommands(t *testing.T) {
	f := newWSFixture(t)
	srv := f.serve(t)
	w := authed(t, wsURL(srv))

	w.sendRaw(`{"id":1,"type":"supported_features","features":{"coalesce_messages":1}}`)
	if got := w.recvRaw(); got != `{"id":1,"type":"result","success":true,"result":null}` {
		t.Errorf("supported_features: %s", got)
	}
	w.sendRaw(`{"id":2,"type":"get_states"}`)
	m := w.recv()
	states, _ := m["result"].([]any)
	if m["success"] != true || len(states) != len(f.reg.States()) || len(states) == 0 {
		t.Fatalf("get_states: %d states, want %d", len(states), len(f.reg.States()))
	}
	w.sendRaw(`{"id":3,"type":"get_config"}`)
	cfg := w.recv()["result"].(map[string]any)
	if cfg["state"] != "RUNNING" || cfg["location_name"] != "Home" || cfg["version"] != "2026.12.0" ||
		cfg["unit_system"].(map[string]any)["temperature"] != "°C" || cfg["time_zone"] != "UTC" {
		t.Errorf("get_config: %v", cfg)
	}
	w.sendRaw(`{"id":4,"type":"get_services"}`)
	svcs := w.recv()["result"].(map[string]any)
	if _, ok := svcs["lock"].(map[string]any)["unlock"]; !ok {
		t.Errorf("get_services: %v", svcs)
	}

	w.sendRaw(`{"id":5,"type":"subscribe_entities","entity_ids":["sensor.test_battery_level"]}`)
	if got := w.recvRaw(); got != `{"id":5,"type":"result","success":true,"result":null}` {
		t.Fatalf("subscribe_entities: %s", got)
	}
	m = w.recv()
	added := m["event"].(map[string]any)["a"].(map[string]any)
	if len(added) != 1 || added["sensor.test_battery_level"].(map[string]any)["s"] != "77" {
		t.Fatalf("initial entities: %v", m)
	}
	w.sendRaw(`{"id":6,"type":"subscribe_events","event_type":"state_changed"}`)
	if got := w.recvRaw(); got != `{"id":6,"type":"result","success":true,"result":null}` {
		t.Fatalf("subscribe_events: %s", got)
	}
	f.setBattery(60)
	got := map[float64]map[string]any{}
	for len(got) < 2 {
		m := w.recv()
		id := m["id"].(float64)
		if id == 6 && m["event"].(map[string]any)["data"].(map[string]any)["entity_id"] != "sensor.test_battery_level" {
			continue // other entities changed too
		}
		got[id] = m["event"].(map[string]any)
	}
	plus := got[5]["c"].(map[string]any)["sensor.test_battery_level"].(map[string]any)["+"].(map[string]any)
	if plus["s"] != "60" || plus["lc"] == nil {
		t.Errorf("entity diff %v", got[5])
	}
	ev := got[6]
	if ev["event_type"] != "state_changed" || ev["origin"] != "LOCAL" || ev["time_fired"] == nil ||
		ev["data"].(map[string]any)["new_state"].(map[string]any)["state"] != "60" ||
		ev["data"].(map[string]any)["old_state"].(map[string]any)["state"] != "77" {
		t.Errorf("state_changed %v", ev)
	}
	w.sendRaw(`{"id":7,"type":"unsubscribe_events","subscription":6}`)
	if got := w.recvRaw(); got != `{"id":7,"type":"result","success":true,"result":null}` {
		t.Fatalf("unsubscribe_events: %s", got)
	}

	w.sendRaw(`{"id":8,"type":"call_service","domain":"switch","service":"turn_on","target":{"entity_id":"switch.test_sentry_mode"}}`)
	m = w.recv()
	res, _ := m["result"].(map[string]any)
	ctx, _ := res["context"].(map[string]any)
	if m["id"] != 8.0 || m["success"] != true || ctx["user_id"] != "api" || len(ctx["id"].(string)) != 26 {
		t.Errorf("call_service: %v", m)
	}
	if cmds := f.snd.commands(); len(cmds) != 1 || cmds[0] != "set_sentry_mode" {
		t.Errorf("sent %v", cmds)
	}
}

// A client that does not read is dropped; the registry and the other
// clients carry on.
func TestWebSocketSlowClient(t *testing.T) {
	f := newWSFixture(t)
	h := newWSHandler(f.reg, func(s string) bool { return s == token }, nil)
	h.queue = 16
	h.writeTimeout = 500 * time.Millisecond
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = smallBuffers{srv.Listener}
	srv.Start()
	t.Cleanup(srv.Close)
	url := "ws" + strings.TrimPrefix(srv.URL, "http")

	// The slow client's own receive buffer is small too.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dialer := &net.Dialer{Control: func(_, _ string, rc syscall.RawConn) error {
		return rc.Control(func(fd uintptr) { _ = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
	}}
	sc, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}})
	if err != nil {
		t.Fatal(err)
	}
	defer sc.CloseNow()
	slow := &wsClient{t, sc}
	slow.recv()
	slow.sendRaw(`{"type":"auth","access_token":"` + token + `"}`)
	slow.recv()
	slow.sendRaw(`{"id":1,"type":"subscribe_events"}`)
	slow.recv()

	fast := authed(t, url)
	fast.sendRaw(`{"id":1,"type":"subscribe_entities","entity_ids":"sensor.test_battery_level"}`)
	fast.recv()
	fast.recv()
	seen := make(chan string, 1000)
	go func() {
		defer close(seen)
		for {
			_, b, err := fast.c.Read(ctx)
			if err != nil {
				return
			}
			var m struct {
				Event struct {
					C map[string]struct {
						Add struct{ S string } `json:"+"`
					}
				}
			}
			if json.Unmarshal(b, &m) == nil {
				if d, ok := m.Event.C["sensor.test_battery_level"]; ok {
					seen <- d.Add.S
				}
			}
		}
	}()

	start := time.Now()
	const n = 400
	for i := range n {
		f.setBattery(float64(i%50 + 50))
		time.Sleep(time.Millisecond)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("changes took %v: a client slowed the registry down", d)
	}
	// The fast client saw every change.
	for i := range n {
		select {
		case s := <-seen:
			if want := strconv.Itoa(i%50 + 50); s != want {
				t.Fatalf("change %d: fast client saw %s, want %s", i, s, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("fast client saw %d changes of %d", i, n)
		}
	}
	// The slow one was disconnected: reading what is left ends in an error.
	for {
		if _, _, err := slow.c.Read(ctx); err != nil {
			if ctx.Err() != nil {
				t.Fatal("slow client still connected")
			}
			break
		}
	}
}

// The compressed states and diffs are Home Assistant's
// (as_compressed_state, _state_diff).
func TestCompressedStates(t *testing.T) {
	at := func(s string) entity.Time {
		v, _ := time.Parse(time.RFC3339Nano, s)
		return entity.Time{Time: v}
	}
	user := "api"
	old := &entity.State{EntityID: "sensor.x", State: "1", Attributes: entity.Attrs{{Key: "unit_of_measurement", Value: "%"}, {Key: "icon", Value: "mdi:x"}},
		LastChanged: at("2026-12-02T04:15:05.5Z"), LastUpdated: at("2026-12-02T04:15:05.5Z"), Context: entity.Context{ID: "A"}}
	add := func(s *entity.State) string {
		b, _ := json.Marshal(compressedChange(entity.Change{New: s}))
		return string(b)
	}
	if got, want := add(old), `{"a":{"sensor.x":{"s":"1","a":{"unit_of_measurement":"%","icon":"mdi:x"},"c":"A","lc":1796184905.5}}}`; got != want {
		t.Errorf("add:\n got %s\nwant %s", got, want)
	}
	withUser := *old
	withUser.LastUpdated = at("2026-12-02T04:15:06.25Z")
	withUser.Context = entity.Context{ID: "B", UserID: &user}
	if got, want := add(&withUser), `{"a":{"sensor.x":{"s":"1","a":{"unit_of_measurement":"%","icon":"mdi:x"},"c":{"id":"B","parent_id":null,"user_id":"api"},"lc":1796184905.5,"lu":1796184906.25}}}`; got != want {
		t.Errorf("add with user:\n got %s\nwant %s", got, want)
	}
	diff := func(o, n *entity.State) string {
		b, _ := json.Marshal(compressedChange(entity.Change{Old: o, New: n}))
		return string(b)
	}
	if got, want := diff(old, &withUser), `{"c":{"sensor.x":{"+":{"lu":1796184906.25,"c":{"id":"B","user_id":"api"}}}}}`; got != want {
		t.Errorf("diff lu, context:\n got %s\nwant %s", got, want)
	}
	changed := *old
	changed.State = "2"
	changed.LastChanged, changed.LastUpdated = at("2026-12-02T04:16:00Z"), at("2026-12-02T04:16:00Z")
	changed.Context = entity.Context{ID: "C"}
	changed.Attributes = entity.Attrs{{Key: "unit_of_measurement", Value: "kW"}}
	if got, want := diff(old, &changed), `{"c":{"sensor.x":{"+":{"s":"2","lc":1796184960,"c":"C","a":{"unit_of_measurement":"kW"}},"-":{"a":["icon"]}}}}`; got != want {
		t.Errorf("diff state, attributes:\n got %s\nwant %s", got, want)
	}
	b, _ := json.Marshal(compressedChange(entity.Change{Old: old}))
	if string(b) != `{"r":["sensor.x"]}` {
		t.Errorf("removal %s", b)
	}
}

// When the server shuts down, a connected client is told the server is
// going away (close code 1001) instead of being left hanging.
func TestWebSocketShutdown(t *testing.T) {
	f := newWSFixture(t)
	shutdown := make(chan struct{})
	h, err := New(Options{Registry: f.reg, Tokens: []string{token}, Shutdown: shutdown})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	w := authed(t, wsURL(srv))
	close(shutdown)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _, err = w.c.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusGoingAway {
		t.Fatalf("after shutdown the client read %v (close status %d), want going away (1001)", err, got)
	}
}
