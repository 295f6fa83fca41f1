package mqtt

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// fakeRegistry serves fixed entities; its subscription (from an empty
// registry) never delivers, so tests hand changes to the exporter.
type fakeRegistry struct {
	*entity.Registry
	infos []entity.Info
	mu    sync.Mutex
	state map[string]entity.State
}

func (f *fakeRegistry) Entities() []entity.Info { return f.infos }
func (f *fakeRegistry) Entity(id string) (entity.Info, bool) {
	for _, i := range f.infos {
		if i.EntityID == id {
			return i, true
		}
	}
	return entity.Info{}, false
}
func (f *fakeRegistry) Walk(from, n int) ([]entity.Listed, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if from >= len(f.infos) {
		return nil, len(f.infos)
	}
	end := min(from+n, len(f.infos))
	var out []entity.Listed
	for _, i := range f.infos[from:end] {
		l := entity.Listed{Info: i}
		if st, ok := f.state[i.EntityID]; ok {
			l.State = &st
		}
		out = append(out, l)
	}
	return out, end
}
func (f *fakeRegistry) Devices() []entity.Device { return []entity.Device{dev()} }

// fakeClient records what it publishes while up.
type fakeClient struct {
	mu        sync.Mutex
	up        func()
	down      func(error)
	connected bool
	got       []message
	subs      map[string]func(string, []byte)
}

func (c *fakeClient) Start(_ context.Context, up func(), down func(error)) error {
	c.up, c.down = up, down
	return nil
}
func (c *fakeClient) Publish(_ context.Context, topic string, payload []byte, retain bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.connected {
		return errNotConnected
	}
	c.got = append(c.got, message{topic, payload, retain})
	return nil
}
func (c *fakeClient) Subscribe(_ context.Context, filter string, fn func(string, []byte)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.subs == nil {
		c.subs = map[string]func(string, []byte){}
	}
	c.subs[filter] = fn
	return nil
}
func (c *fakeClient) Unsubscribe(_ context.Context, filter string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.subs, filter)
	return nil
}
func (c *fakeClient) Stop() {}

// deliver hands a message to the subscription of filter, as the broker
// would (false when there is none).
func (c *fakeClient) deliver(filter, topic string, payload []byte) bool {
	c.mu.Lock()
	fn := c.subs[filter]
	c.mu.Unlock()
	if fn == nil {
		return false
	}
	fn(topic, payload)
	return true
}
func (c *fakeClient) set(on bool) {
	c.mu.Lock()
	c.connected = on
	c.mu.Unlock()
	if on {
		c.up()
	} else {
		c.down(nil)
	}
}
func (c *fakeClient) published(topic string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, m := range c.got {
		if m.topic == topic {
			out = append(out, string(m.payload))
		}
	}
	return out
}

func newFake(t *testing.T, backlog int) (*Exporter, *fakeClient, *fakeRegistry) {
	s := subj(entity.Sensor, "charge_state_battery_level", "Battery level", nil, "50")
	s.info.Unit = "%"
	reg := &fakeRegistry{Registry: entity.New(entity.Options{}), infos: []entity.Info{s.info},
		state: map[string]entity.State{s.info.EntityID: {EntityID: s.info.EntityID, State: "50"}}}
	c := &fakeClient{}
	x, err := New(Options{Registry: reg, Client: c, Backlog: backlog})
	if err != nil {
		t.Fatal(err)
	}
	return x, c, reg
}

// runConnected runs x (inside a synctest bubble) and connects c; stop ends
// the run.
func runConnected(x *Exporter, c *fakeClient) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = x.Run(ctx) }()
	synctest.Wait()
	c.set(true)
	synctest.Wait()
	return func() {
		cancel()
		<-done
	}
}

// While the broker is away the backlog keeps one message per topic (the
// latest), the changes never wait, and the reconnect publishes the latest.
func TestBacklogWhileTheBrokerIsAway(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		x, c, reg := newFake(t, 100)
		stop := runConnected(x, c)
		const topic = "teslafleet/5YJ3E1EA1PF000001/battery_level/state"
		if got := c.published(topic); len(got) != 1 || got[0] != "50" {
			t.Fatalf("after connect %s: %v", topic, got)
		}
		c.set(false)
		id := reg.infos[0].EntityID
		for i := 51; i <= 1000; i++ {
			st := entity.State{EntityID: id, State: strconv.Itoa(i)}
			reg.mu.Lock()
			reg.state[id] = st
			reg.mu.Unlock()
			x.change(entity.Change{New: &st})
			x.signal()
		}
		synctest.Wait()
		if s := x.Stats(); s.Backlog > 3 || s.Connected {
			t.Errorf("while away: %+v (want at most the state, attributes and availability)", s)
		}
		c.set(true)
		synctest.Wait()
		if got := c.published(topic); len(got) != 2 || got[1] != "1000" {
			t.Errorf("after the reconnect %s: %v, want the latest once", topic, got)
		}
		stop()
	})
}

// A backlog that is full drops new topics and counts them; nothing blocks.
func TestBacklogBound(t *testing.T) {
	b := newBacklog(3)
	for i := range 10 {
		b.put(message{topic: "t/" + strconv.Itoa(i%5), payload: []byte(strconv.Itoa(i))})
	}
	if b.len() != 3 || b.dropped != 4 {
		t.Fatalf("len %d dropped %d", b.len(), b.dropped)
	}
	var got []string
	for m, ok := b.take(); ok; m, ok = b.take() {
		got = append(got, m.topic+"="+string(m.payload))
	}
	if want := "[t/0=5 t/1=6 t/2=7]"; fmt.Sprint(got) != want {
		t.Errorf("taken %v, want %s (oldest topic first, latest payload)", got, want)
	}
}

func TestCommandFor(t *testing.T) {
	for _, tc := range []struct {
		p                entity.Platform
		part, payload    string
		domain, service  string
		dataKey, errKind string
	}{
		{entity.Switch, "", "ON", "switch", "turn_on", "", ""},
		{entity.Switch, "", "off", "switch", "turn_off", "", ""},
		{entity.Switch, "", "MAYBE", "", "", "", "invalid_service_data"},
		{entity.Button, "", "PRESS", "button", "press", "", ""},
		{entity.Number, "", "80", "number", "set_value", "value", ""},
		{entity.Select, "", "high", "select", "select_option", "option", ""},
		{entity.Lock, "", "UNLOCK", "lock", "unlock", "", ""},
		{entity.Cover, "", "STOP", "cover", "stop_cover", "", ""},
		{entity.Climate, "mode", "off", "climate", "set_hvac_mode", "hvac_mode", ""},
		{entity.Climate, "temperature", "21.5", "climate", "set_temperature", "temperature", ""},
		{entity.Climate, "preset_mode", "dog", "climate", "set_preset_mode", "preset_mode", ""},
		{entity.Climate, "power", "ON", "climate", "turn_on", "", ""},
		{entity.Update, "", "INSTALL", "update", "install", "", ""},
		{entity.MediaPlayer, "next", "PRESS", "media_player", "media_next_track", "", ""},
		{entity.MediaPlayer, "volume", "0.5", "media_player", "volume_set", "volume_level", ""},
		{entity.Sensor, "", "1", "", "", "", "not_supported"},
		{entity.Climate, "fan", "on", "", "", "", "not_supported"},
	} {
		t.Run(string(tc.p)+"/"+tc.part+"/"+tc.payload, func(t *testing.T) {
			c, err := commandFor(tc.p, tc.part, tc.payload)
			if tc.errKind != "" {
				e, ok := err.(*entity.Error)
				if !ok || e.Key != tc.errKind || e.Kind != entity.KindBadRequest {
					t.Fatalf("err = %v, want %s", err, tc.errKind)
				}
				return
			}
			if err != nil || c.domain != tc.domain || c.service != tc.service {
				t.Fatalf("= %+v, %v", c, err)
			}
			if tc.dataKey != "" && c.data[tc.dataKey] == nil {
				t.Errorf("data %v has no %s", c.data, tc.dataKey)
			}
		})
	}
}

// A republish larger than the backlog publishes every entity without
// dropping any: it is read from the registry a page at a time as the
// sender drains the backlog.
func TestRepublishLargerThanTheBacklog(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 3000 // 3 messages each (config, state, attributes) against a backlog of 100
		reg := &fakeRegistry{Registry: entity.New(entity.Options{}), state: map[string]entity.State{}}
		for i := range n {
			s := subj(entity.Sensor, "k"+strconv.Itoa(i), "Sensor "+strconv.Itoa(i), nil, strconv.Itoa(i))
			reg.infos = append(reg.infos, s.info)
			reg.state[s.info.EntityID] = entity.State{EntityID: s.info.EntityID, State: strconv.Itoa(i)}
		}
		c := &fakeClient{}
		x, err := New(Options{Registry: reg, Client: c, Backlog: 100})
		if err != nil {
			t.Fatal(err)
		}
		stop := runConnected(x, c)
		configs, states := 0, 0
		c.mu.Lock()
		for _, m := range c.got {
			switch {
			case strings.HasSuffix(m.topic, "/config"):
				configs++
			case strings.HasSuffix(m.topic, "/state"):
				states++
			}
		}
		c.mu.Unlock()
		if configs != n || states != n {
			t.Errorf("published %d configs and %d states, want %d each", configs, states, n)
		}
		if s := x.Stats(); s.Dropped != 0 || s.Backlog != 0 {
			t.Errorf("stats %+v: want nothing dropped or left", s)
		}
		if got := c.published("teslafleet/5YJ3E1EA1PF000001/availability"); len(got) != 1 || got[0] != "online" {
			t.Errorf("availability after the republish: %v", got)
		}
		stop()
	})
}
