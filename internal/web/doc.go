// Package web serves teslafleet's Home-Assistant-compatible REST API:
// GET /api/, GET /api/states, GET /api/states/{entity_id}, GET /api/services
// and POST /api/services/{domain}/{service}, in Home Assistant's shapes,
// status codes and messages, so that clients written for Home Assistant
// work unchanged. Every /api/ route needs "Authorization: Bearer <token>".
//
// It reads and acts only through the entity registry; errors are answered
// with the status the entity layer's *entity.Error gives, so web knows
// nothing of Tesla's API.
package web
