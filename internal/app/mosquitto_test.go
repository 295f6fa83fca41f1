package app

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/config"
)

// Interop with Debian's mosquitto as the external broker: teslafleet
// connects with a username and password, mosquitto_sub sees the discovery
// configs, and mosquitto_pub's command changes the simulated car.
func TestMQTTWithMosquitto(t *testing.T) {
	for _, bin := range []string{"mosquitto", "mosquitto_passwd", "mosquitto_sub", "mosquitto_pub"} {
		if _, err := exec.LookPath(bin); err != nil {
			if _, err := os.Stat("/usr/sbin/" + bin); err != nil {
				t.Skipf("%s is not installed (apt-get install mosquitto mosquitto-clients; .ci/run does)", bin)
			}
		}
	}
	mosquitto := "mosquitto"
	if _, err := exec.LookPath(mosquitto); err != nil {
		mosquitto = "/usr/sbin/mosquitto"
	}
	dir := t.TempDir()
	port := freePort(t)
	pw := filepath.Join(dir, "passwd")
	if out, err := exec.Command("mosquitto_passwd", "-c", "-b", pw, "teslafleet", "interop-password").CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_passwd: %v %s", err, out)
	}
	conf := filepath.Join(dir, "mosquitto.conf")
	text := fmt.Sprintf("listener %d 127.0.0.1\nallow_anonymous false\npassword_file %s\npersistence false\n", port, pw)
	if os.Getuid() == 0 {
		text += "user root\n" // else it drops to user mosquitto, who cannot read the test's files
	}
	if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	broker := exec.CommandContext(ctx, mosquitto, "-c", conf)
	var brokerLog bytes.Buffer
	broker.Stdout, broker.Stderr = &brokerLog, &brokerLog
	if err := broker.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = broker.Wait() })
	waitListening(t, port, &brokerLog)

	s := newSimApp(t, allScopes, nil)
	c := config.Default().MQTT
	c.URL = fmt.Sprintf("tcp://127.0.0.1:%d", port)
	c.Username, c.Password = "teslafleet", config.Secret("interop-password")
	var out bytes.Buffer
	stop, err := startMQTT(context.Background(), c, s.Registry(), nil, &out, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	if !strings.Contains(out.String(), "MQTT export to tcp://127.0.0.1") {
		t.Errorf("startMQTT printed %q", out.String())
	}
	sub := func(topic string) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			out, err := exec.Command("mosquitto_sub", "-h", "127.0.0.1", "-p", fmt.Sprint(port), "-u", "teslafleet", "-P", "interop-password",
				"-t", topic, "-C", "1", "-W", "2").Output()
			if err == nil && len(out) > 0 {
				return strings.TrimSpace(string(out))
			}
		}
		t.Fatalf("mosquitto_sub %s: nothing retained (broker log: %s)", topic, brokerLog.String())
		return ""
	}
	if cfg := sub("homeassistant/number/" + s.vin + "-charge_state_charge_limit_soc/config"); !strings.Contains(cfg, `"command_topic":"teslafleet/`+s.vin+`/charge_limit/set"`) {
		t.Errorf("discovery config: %s", cfg)
	}
	if got := sub("teslafleet/status"); got != "online" {
		t.Errorf("teslafleet/status = %q", got)
	}
	if out, err := exec.Command("mosquitto_pub", "-h", "127.0.0.1", "-p", fmt.Sprint(port), "-u", "teslafleet", "-P", "interop-password",
		"-t", "teslafleet/"+s.vin+"/charge_limit/set", "-m", "70").CombinedOutput(); err != nil {
		t.Fatalf("mosquitto_pub: %v %s", err, out)
	}
	deadline := time.Now().Add(15 * time.Second)
	for fmt.Sprint(path(s.vehicle(t), "charge_state", "charge_limit_soc")) != "70" {
		if time.Now().After(deadline) {
			t.Fatalf("the car's charge limit stayed %v", path(s.vehicle(t), "charge_state", "charge_limit_soc"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func waitListening(t *testing.T, port int, log *bytes.Buffer) {
	t.Helper()
	for range 100 {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %d; mosquitto said: %s", port, log)
}
