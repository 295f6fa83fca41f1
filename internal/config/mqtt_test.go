package config

import (
	"strings"
	"testing"
)

func TestMQTTValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		want string // "" : valid
	}{
		{"defaults: embedded on loopback", nil, ""},
		{"off", []string{"TESLAFLEET_MQTT_LISTEN=off"}, ""},
		{"beyond loopback without an account", []string{"TESLAFLEET_MQTT_LISTEN=0.0.0.0:1883"}, "mqtt.password: required"},
		{"all interfaces without an account", []string{"TESLAFLEET_MQTT_LISTEN=:1883"}, "mqtt.password: required"},
		{"beyond loopback with an account", []string{"TESLAFLEET_MQTT_LISTEN=:1883", "TESLAFLEET_MQTT_USERNAME=ha", "TESLAFLEET_MQTT_PASSWORD=secret"}, ""},
		{"beyond loopback while disabled", []string{"TESLAFLEET_MQTT_LISTEN=:1883", "TESLAFLEET_MQTT_ENABLED=false"}, ""},
		{"external broker", []string{"TESLAFLEET_MQTT_URL=ssl://broker.lan:8883", "TESLAFLEET_MQTT_LISTEN=:1883"}, ""},
		{"external broker: scheme", []string{"TESLAFLEET_MQTT_URL=http://broker.lan:1883"}, "want tcp://, ssl:// or tls://"},
		{"external broker: port", []string{"TESLAFLEET_MQTT_URL=tcp://broker.lan"}, "want host:port"},
		{"external broker: user info", []string{"TESLAFLEET_MQTT_URL=tcp://u:p@broker.lan:1883"}, "no user info"},
		{"username alone", []string{"TESLAFLEET_MQTT_USERNAME=ha"}, "mqtt.username: needs mqtt.password"},
		{"topic wildcard", []string{"TESLAFLEET_MQTT_BASE_TOPIC=tesla/#"}, "mqtt.base_topic: invalid topic"},
		{"topic empty level", []string{"TESLAFLEET_MQTT_DISCOVERY_PREFIX=ha/"}, "mqtt.discovery_prefix: invalid topic"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("", tc.env)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Load: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Load = %v, want an error with %q", err, tc.want)
			}
		})
	}
}

func TestMQTTPasswordRedacted(t *testing.T) {
	c, err := Load("", []string{"TESLAFLEET_MQTT_USERNAME=ha", "TESLAFLEET_MQTT_PASSWORD=hunter2-secret"})
	if err != nil {
		t.Fatal(err)
	}
	if out := string(c.Redacted()); strings.Contains(out, "hunter2-secret") || !strings.Contains(out, "mqtt:") {
		t.Errorf("Redacted shows the password or no mqtt section:\n%s", out)
	}
}
