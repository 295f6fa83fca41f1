// Package web serves teslafleet's Home-Assistant-compatible REST API, in
// Home Assistant's shapes, status codes and messages, so that clients
// written for Home Assistant work unchanged: GET /api/, /api/config,
// /api/states[/{entity_id}], /api/services, POST
// /api/services/{domain}/{service}, GET and POST /api/events[/{type}], the
// server-sent event stream GET /api/stream, GET
// /api/history/period[/{start}], and teslafleet's own GET
// /api/teslafleet/devices and /api/teslafleet/cost (more, such as the
// doctor, come in Options.Extra).
//
// GET /api/websocket is Home Assistant's WebSocket API (websocket.go): the
// auth handshake with the same tokens, then get_states, get_config,
// get_services, subscribe_events, unsubscribe_events, subscribe_entities
// with its compressed messages (websocket_compress.go), call_service and
// ping. Each connection has its own registry subscription and a bounded
// outgoing queue; a client that stops reading is disconnected.
//
// Every other /api/ route needs "Authorization: Bearer <token>": a configured
// token or one the TokenValidator knows (the store's long-lived tokens).
// Failed attempts are limited per client address (429 after
// Options.AuthFailures within Options.AuthWindow).
//
// It reads and acts only through the entity registry; errors are answered
// with the status the entity layer's *entity.Error gives, so web knows
// nothing of Tesla's API. What it needs from elsewhere — the history, the
// cost ledger, the stored tokens — it declares as small interfaces
// (History, Cost, TokenValidator) that app satisfies.
//
// The event stream has one registry subscription, held while any client
// listens, fanned out by a hub to a bounded queue per client; a client
// whose queue fills (it stopped reading) is dropped and its connection
// closed, so it never delays the others or the registry.
package web
