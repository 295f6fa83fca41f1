package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/teslafleet/teslafleet/internal/config"
)

// watcher is a real MQTT client that records the last message of every
// topic it sees (retained ones included).
type watcher struct {
	c    paho.Client
	mu   sync.Mutex
	last map[string][]byte
	seen map[string]int
}

func watch(t *testing.T, url, user, pass, filter string) *watcher {
	t.Helper()
	w := &watcher{last: map[string][]byte{}, seen: map[string]int{}}
	o := paho.NewClientOptions().AddBroker(url).SetClientID(fmt.Sprintf("test-%d", time.Now().UnixNano())).SetUsername(user).SetPassword(pass)
	w.c = paho.NewClient(o)
	if tok := w.c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("connect the test client to %s: %v", url, tok.Error())
	}
	t.Cleanup(func() { w.c.Disconnect(100) })
	if tok := w.c.Subscribe(filter, 1, func(_ paho.Client, m paho.Message) {
		w.mu.Lock()
		w.last[m.Topic()] = bytes.Clone(m.Payload())
		w.seen[m.Topic()]++
		w.mu.Unlock()
	}); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	return w
}

// wait waits until topic's last payload satisfies ok.
func (w *watcher) wait(t *testing.T, topic string, ok func(p []byte, present bool) bool) []byte {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		w.mu.Lock()
		p, present := w.last[topic]
		w.mu.Unlock()
		if ok(p, present) {
			return p
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.mu.Lock()
	p := w.last[topic]
	w.mu.Unlock()
	t.Fatalf("%s: gave up waiting; last payload %q", topic, p)
	return nil
}

func (w *watcher) count(topic string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.seen[topic]
}

func (w *watcher) publish(t *testing.T, topic, payload string, retain bool) {
	t.Helper()
	if tok := w.c.Publish(topic, 1, retain, payload); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

func is(want string) func([]byte, bool) bool {
	return func(p []byte, present bool) bool { return present && string(p) == want }
}

// startSimMQTT runs the MQTT export of a simulated app on an embedded
// broker on a free loopback port and returns the broker's URL.
func startSimMQTT(t *testing.T, s *simApp, c config.MQTT) string {
	t.Helper()
	var out bytes.Buffer
	stop, err := startMQTT(context.Background(), c, s.Registry(), nil, &out, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	m := regexp.MustCompile(`MQTT broker at (tcp://\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no broker address in %q", out.String())
	}
	return m[1]
}

func embedded() config.MQTT {
	c := config.Default().MQTT
	c.Listen = "127.0.0.1:0"
	return c
}

// Home Assistant's view of the simulated fleet over the embedded broker:
// retained discovery configs and states, commands that reach the car,
// refusals that reach nothing, disabling, and the birth message.
func TestMQTTWithTheEmbeddedBroker(t *testing.T) {
	s := newSimApp(t, allScopes, nil)
	url := startSimMQTT(t, s, embedded())
	w := watch(t, url, "", "", "#")
	vin := s.vin
	online := func(p []byte, ok bool) bool { return ok && string(p) == "online" }

	t.Run("bridge and device availability", func(t *testing.T) {
		w.wait(t, "teslafleet/status", online)
		w.wait(t, "teslafleet/"+vin+"/availability", online)
	})
	t.Run("every enabled entity has a retained config and state", func(t *testing.T) {
		// A late subscriber sees them too: they are retained.
		late := watch(t, url, "", "", "#")
		for _, info := range s.Registry().Entities() {
			if !info.Enabled || info.Platform == "media_player" {
				continue
			}
			topic := fmt.Sprintf("homeassistant/%s/%s/config", info.Platform, info.UniqueID)
			p := late.wait(t, topic, func(p []byte, ok bool) bool { return ok && len(p) > 0 })
			var cfg map[string]any
			if err := json.Unmarshal(p, &cfg); err != nil {
				t.Fatalf("%s: %v", topic, err)
			}
			if cfg["unique_id"] != info.UniqueID || cfg["default_entity_id"] != info.EntityID {
				t.Errorf("%s: unique_id %v, default_entity_id %v", topic, cfg["unique_id"], cfg["default_entity_id"])
			}
			st, _ := s.Registry().State(info.EntityID)
			if stateTopic, ok := cfg["state_topic"].(string); ok && strings.HasSuffix(stateTopic, "/state") {
				late.wait(t, stateTopic, is(st.State))
			}
		}
	})
	t.Run("a command on …/set changes the simulated car", func(t *testing.T) {
		w.wait(t, "teslafleet/"+vin+"/charge_limit/state", is("80"))
		w.publish(t, "teslafleet/"+vin+"/charge_limit/set", "75", false)
		deadline := time.Now().Add(15 * time.Second)
		for fmt.Sprint(path(s.vehicle(t), "charge_state", "charge_limit_soc")) != "75" {
			if time.Now().After(deadline) {
				t.Fatalf("charge limit stayed %v", path(s.vehicle(t), "charge_state", "charge_limit_soc"))
			}
			time.Sleep(20 * time.Millisecond)
		}
		// The optimistic state is the value sent ("75.0", as Home
		// Assistant's), then the car's own on the next refresh.
		w.wait(t, "teslafleet/"+vin+"/charge_limit/state", func(p []byte, ok bool) bool { return string(p) == "75" || string(p) == "75.0" })
		w.publish(t, "teslafleet/"+vin+"/sentry_mode/set", "ON", false)
		w.wait(t, "teslafleet/"+vin+"/sentry_mode/state", is("on"))
	})
	t.Run("an invalid payload is answered on …/error and sends nothing", func(t *testing.T) {
		for _, tc := range []struct{ key, payload, wantKey string }{
			{"charge_limit", "101", "out_of_range"},
			{"charge_limit", "lots", "invalid_service_data"},
			{"sentry_mode", "MAYBE", "invalid_service_data"},
			{"seat_heater_front_left", "scorching", "not_valid_option"},
		} {
			before := maps.Clone(s.billed())
			errTopic := "teslafleet/" + vin + "/" + tc.key + "/error"
			n := w.count(errTopic)
			w.publish(t, "teslafleet/"+vin+"/"+tc.key+"/set", tc.payload, false)
			p := w.wait(t, errTopic, func([]byte, bool) bool { return w.count(errTopic) > n })
			var e struct{ Key, Message string }
			if err := json.Unmarshal(p, &e); err != nil || e.Key != tc.wantKey || e.Message == "" {
				t.Errorf("%s %q: error %s, want key %s", tc.key, tc.payload, p, tc.wantKey)
			}
			if after := s.billed(); !maps.Equal(before, after) {
				t.Errorf("%s %q reached Tesla: billed %v → %v", tc.key, tc.payload, before, after)
			}
		}
	})
	t.Run("disabling an entity empties its config", func(t *testing.T) {
		topic := "homeassistant/sensor/" + vin + "-charge_state_battery_level/config"
		w.wait(t, topic, func(p []byte, ok bool) bool { return ok && len(p) > 0 })
		if err := s.Registry().SetEnabled("sensor.test_battery_level", false); err != nil {
			t.Fatal(err)
		}
		w.wait(t, topic, func(p []byte, ok bool) bool { return ok && len(p) == 0 })
		if err := s.Registry().SetEnabled("sensor.test_battery_level", true); err != nil {
			t.Fatal(err)
		}
		w.wait(t, topic, func(p []byte, ok bool) bool { return ok && len(p) > 0 })
	})
	t.Run("Home Assistant's birth message republishes everything", func(t *testing.T) {
		topic := "homeassistant/switch/" + vin + "-vehicle_state_sentry_mode/config"
		n := w.count(topic)
		w.publish(t, "homeassistant/status", "online", false)
		w.wait(t, topic, func([]byte, bool) bool { return w.count(topic) > n })
	})
}

// Beyond loopback the embedded broker needs an account: it refuses to
// start without one, and refuses anonymous clients with one.
func TestMQTTBrokerBeyondLoopback(t *testing.T) {
	s := newSimApp(t, allScopes, nil)
	c := config.Default().MQTT
	c.Listen = "0.0.0.0:0"
	if _, err := startMQTT(context.Background(), c, s.Registry(), nil, &bytes.Buffer{}, nil); err == nil {
		t.Fatal("an anonymous broker beyond loopback started")
	}
	c.Username, c.Password = "ha", config.Secret("broker-password-1")
	url := startSimMQTT(t, s, c)
	url = strings.Replace(url, "0.0.0.0", "127.0.0.1", 1)
	anon := paho.NewClient(paho.NewClientOptions().AddBroker(url).SetClientID("anonymous"))
	if tok := anon.Connect(); tok.WaitTimeout(5*time.Second) && tok.Error() == nil {
		anon.Disconnect(0)
		t.Fatal("an anonymous client was let in")
	}
	wrong := paho.NewClient(paho.NewClientOptions().AddBroker(url).SetClientID("wrong").SetUsername("ha").SetPassword("nope"))
	if tok := wrong.Connect(); tok.WaitTimeout(5*time.Second) && tok.Error() == nil {
		wrong.Disconnect(0)
		t.Fatal("a wrong password was let in")
	}
	w := watch(t, url, "ha", "broker-password-1", "teslafleet/status")
	w.wait(t, "teslafleet/status", is("online"))
}
