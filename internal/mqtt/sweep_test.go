package mqtt

import (
	"testing"
	"testing/synctest"
	"time"
)

// After a connect, the retained discovery configs teslafleet published
// for entities that are gone are emptied; its current configs, another
// teslafleet's (another base topic) and other tools' are left alone, and
// the configs are no longer read once the window is over.
func TestSweepClearsStaleConfigs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		x, c, _ := newFake(t, 100)
		stop := runConnected(x, c)

		filter := "homeassistant/+/+/config"
		current := "homeassistant/sensor/5YJ3E1EA1PF000001-charge_state_battery_level/config"
		if got := c.published(current); len(got) != 1 {
			t.Fatalf("the current config was published %d times", len(got))
		}
		cfg := func(origin, status string) []byte {
			return []byte(`{"name":"x","origin":{"name":"` + origin + `"},"availability":[{"topic":"` + status + `"}]}`)
		}
		retained := map[string][]byte{
			current: cfg("teslafleet", "teslafleet/status"),
			"homeassistant/sensor/GONE-odometer/config":      cfg("teslafleet", "teslafleet/status"),
			"homeassistant/sensor/OTHER-odometer/config":     cfg("teslafleet", "garage/status"),
			"homeassistant/sensor/zigbee-temperature/config": cfg("zigbee2mqtt", "zigbee2mqtt/bridge/state"),
			"homeassistant/sensor/broken/config":             []byte("not json"),
			"homeassistant/sensor/GONE-already-empty/config": nil,
		}
		for topic, payload := range retained {
			if !c.deliver(filter, topic, payload) {
				t.Fatal("the exporter does not read the discovery configs after a connect")
			}
		}
		time.Sleep(5 * time.Second)
		synctest.Wait()

		if got := c.published("homeassistant/sensor/GONE-odometer/config"); len(got) != 1 || got[0] != "" {
			t.Errorf("the stale config: published %q, want one empty retained message", got)
		}
		if got := c.published(current); len(got) != 1 || got[0] == "" {
			t.Errorf("the current config: published %q, want only its config", got)
		}
		for _, topic := range []string{
			"homeassistant/sensor/OTHER-odometer/config", "homeassistant/sensor/zigbee-temperature/config",
			"homeassistant/sensor/broken/config", "homeassistant/sensor/GONE-already-empty/config",
		} {
			if got := c.published(topic); len(got) != 0 {
				t.Errorf("%s: published %q, want nothing (not this bridge's, or already empty)", topic, got)
			}
		}
		if c.deliver(filter, "homeassistant/sensor/LATE-odometer/config", cfg("teslafleet", "teslafleet/status")) {
			t.Error("the configs are still read after the window")
		}
		stop()
	})
}
