// Drives Home Assistant's own WebSocket client (home-assistant-js-websocket)
// against a teslafleet server and prints what it saw, one JSON object a
// line. Usage: node client.mjs <http url> <token>
//
// Steps: a wrong token (expects auth_invalid); connect; get_states,
// get_config, get_services; subscribe to state_changed events
// (conn.subscribeEvents) and to the entities; print "ready" and wait for the battery level to change (the
// test changes it through the registry); a call that succeeds, a call
// that fails; wait for the call's change to reach the entities; exit.
import WebSocket from "ws";
import {
  callService,
  createConnection,
  createLongLivedTokenAuth,
  getConfig,
  getServices,
  getStates,
  subscribeEntities,
} from "home-assistant-js-websocket";

globalThis.WebSocket = WebSocket;

const [url, token] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const BATTERY = "sensor.test_battery_level";
const SENTRY = "switch.test_sentry_mode";

setTimeout(() => {
  out({ step: "timeout" });
  process.exit(3);
}, 60000).unref();

try {
  await createConnection({ auth: createLongLivedTokenAuth(url, "wrong-" + token) });
  out({ step: "bad_auth", error: null });
} catch (err) {
  out({ step: "bad_auth", error: err }); // ERR_INVALID_AUTH is 2
}

const conn = await createConnection({ auth: createLongLivedTokenAuth(url, token) });
out({ step: "connected", ha_version: conn.haVersion });

const states = await getStates(conn);
out({ step: "states", count: states.length, battery: states.find((s) => s.entity_id === BATTERY) });
out({ step: "config", config: await getConfig(conn) });
const services = await getServices(conn);
out({ step: "services", domains: Object.keys(services).sort(), lock: services.lock });

await conn.subscribeEvents(
  (ev) => out({ step: "event", event_type: ev.event_type, entity_id: ev.data.entity_id, state: ev.data.new_state?.state }),
  "state_changed",
);

let prev;
const waiters = [];
const waitFor = (pred) =>
  new Promise((resolve) => (prev && pred(prev) ? resolve() : waiters.push({ pred, resolve })));
subscribeEntities(conn, (entities) => {
  if (!prev) {
    out({ step: "entities", count: Object.keys(entities).length, battery: entities[BATTERY] });
  } else {
    for (const id in entities) {
      if (entities[id] !== prev[id]) out({ step: "entity_changed", entity: entities[id] });
    }
    for (const id in prev) {
      if (!(id in entities)) out({ step: "entity_removed", entity_id: id });
    }
  }
  prev = entities;
  for (const w of waiters.splice(0)) {
    if (w.pred(entities)) w.resolve();
    else waiters.push(w);
  }
});

const initial = await waitFor(() => true).then(() => prev[BATTERY].state);
out({ step: "ready" });
await waitFor((e) => e[BATTERY].state !== initial);

const result = await callService(conn, "switch", "turn_on", undefined, { entity_id: SENTRY });
out({ step: "call_ok", result });
await waitFor((e) => e[SENTRY].state === "on");

try {
  await callService(conn, "lock", "lock", undefined, { entity_id: "lock.test_lock" });
  out({ step: "call_failed", error: null });
} catch (err) {
  out({ step: "call_failed", error: err });
}

conn.close();
out({ step: "done" });
process.exit(0);
