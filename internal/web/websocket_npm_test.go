package web

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/testfixture"
)

// Home Assistant's own JavaScript client (home-assistant-js-websocket, from
// npm, pinned by testdata/wsclient/package-lock.json) connects, reads the
// states, config and services, follows the entities and events, and calls
// services, as it does against Home Assistant.
func TestWebSocketJSClient(t *testing.T) {
	if testing.Short() {
		t.Skip("runs npm and node")
	}
	dir := testfixture.NPMProject(t, filepath.Join("testdata", "wsclient"), false, "client.mjs")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	f := newWSFixture(t)
	srv := f.serve(t)
	node := testfixture.StartNode(t, ctx, dir, nil, "client.mjs", srv.URL, token)
	steps := map[string][]map[string]any{}
	sc := node.Lines()
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("client printed %s", sc.Text())
		}
		step, _ := line["step"].(string)
		steps[step] = append(steps[step], line)
		if step == "ready" {
			f.setBattery(42)
		}
	}
	if err := node.Wait(); err != nil {
		t.Fatal(err)
	}
	one := func(step string) map[string]any {
		t.Helper()
		if len(steps[step]) == 0 {
			t.Fatalf("client printed no %s", step)
		}
		return steps[step][0]
	}

	if e := one("bad_auth")["error"]; e != 2.0 { // ERR_INVALID_AUTH
		t.Errorf("wrong token: error %v, want ERR_INVALID_AUTH", e)
	}
	if v := one("connected")["ha_version"]; v != haVersion {
		t.Errorf("ha_version %v", v)
	}
	want := len(f.reg.States())
	if n := one("states")["count"]; n != float64(want) {
		t.Errorf("get_states: %v states, want %d", n, want)
	}
	if cfg := one("config")["config"].(map[string]any); cfg["state"] != "RUNNING" || cfg["version"] != haVersion {
		t.Errorf("get_config %v", cfg)
	}
	if d := one("services")["domains"].([]any); len(d) == 0 || one("services")["lock"] == nil {
		t.Errorf("get_services domains %v", d)
	}

	// The initial entities, decompressed by the client, are the registry's.
	ents := one("entities")
	if ents["count"] != float64(want) {
		t.Errorf("subscribeEntities: %v entities, want %d", ents["count"], want)
	}
	bat := ents["battery"].(map[string]any)
	if id, _ := bat["context"].(map[string]any)["id"].(string); bat["state"] != "77" || bat["attributes"].(map[string]any)["unit_of_measurement"] != "%" || len(id) != 26 {
		t.Errorf("battery entity %v", bat)
	}

	// The change through the registry reached both subscriptions, with the
	// registry's timestamps and context.
	changed := map[string]map[string]any{}
	for _, l := range steps["entity_changed"] {
		e := l["entity"].(map[string]any)
		changed[e["entity_id"].(string)] = e
	}
	bat = changed["sensor.test_battery_level"]
	st, _ := f.reg.State("sensor.test_battery_level")
	if bat == nil || bat["state"] != "42" || bat["context"].(map[string]any)["id"] != st.Context.ID ||
		!sameMillis(bat["last_changed"], st.LastChanged.Time) || !sameMillis(bat["last_updated"], st.LastUpdated.Time) {
		t.Errorf("battery change seen as %v, registry has %+v", bat, st)
	}
	var sawEvent bool
	for _, l := range steps["event"] {
		if l["entity_id"] == "sensor.test_battery_level" && l["state"] == "42" && l["event_type"] == "state_changed" {
			sawEvent = true
		}
	}
	if !sawEvent {
		t.Errorf("no state_changed event for the battery: %v", steps["event"])
	}

	// The successful call reached the sender; its context is the one the
	// changed state carries.
	res := one("call_ok")["result"].(map[string]any)["context"].(map[string]any)
	sentry := changed["switch.test_sentry_mode"]
	if res["user_id"] != wsUser || sentry == nil || sentry["state"] != "on" || sentry["context"].(map[string]any)["id"] != res["id"] ||
		sentry["context"].(map[string]any)["user_id"] != wsUser {
		t.Errorf("call_service result %v, entity %v", res, sentry)
	}
	cmds := f.snd.commands()
	if len(cmds) != 2 || cmds[0] != "set_sentry_mode" || cmds[1] != "door_lock" {
		t.Errorf("sent %v", cmds)
	}
	fail, _ := one("call_failed")["error"].(map[string]any)
	if fail["code"] != "home_assistant_error" || fail["message"] != "Command was unsuccessful: user_not_present" {
		t.Errorf("failed call: %v", one("call_failed"))
	}
	one("done")
}

// sameMillis compares a JavaScript toISOString() with t, to the millisecond.
func sameMillis(js any, t time.Time) bool {
	s, _ := js.(string)
	v, err := time.Parse(time.RFC3339Nano, s)
	return err == nil && v.Equal(t.Truncate(time.Millisecond))
}
