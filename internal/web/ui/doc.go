// Package ui is teslafleet's web UI: server-rendered pages (html/template,
// embedded files, a little hand-written JavaScript, no build step) over the
// entity registry — sign-in, a dashboard card per device, every entity
// with its control, history charts drawn as SVG on the server, the cost of
// the month, and the setup wizard.
//
// Signing in takes the password set on first run or an API token; a
// session lives in a secure, HTTP-only cookie and every form and script
// request carries its CSRF token. The UI's scripts use the REST API with
// that cookie (web.SessionAuth): live values come from /api/stream and
// controls call /api/services, so the browser sees exactly what any other
// API client sees.
//
// Like web, it sees entities only: what it needs from elsewhere (the
// session store, the history, the cost ledger, the setup steps) it
// declares as small interfaces that app satisfies.
package ui
