package web

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"time"
)

// listEvents is GET /api/events: the event types listened for and how many
// stream clients listen to each.
func (s *server) listEvents(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, listenerCounts(s.events.listeners()))
}

// fireEvent is POST /api/events/{event_type}: the body (a JSON object, or
// nothing) is the event's data; stream clients of that type receive it.
func (s *server) fireEvent(w http.ResponseWriter, r *http.Request) {
	eventType := r.PathValue("event_type")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		message(w, http.StatusBadRequest, "Event data should be valid JSON.")
		return
	}
	var data map[string]any
	if len(bytes.TrimSpace(body)) > 0 {
		var v any
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil || dec.More() {
			message(w, http.StatusBadRequest, "Event data should be valid JSON.")
			return
		}
		obj, ok := v.(map[string]any)
		if !ok && v != nil {
			message(w, http.StatusBadRequest, "Event data should be a JSON object")
			return
		}
		data = obj
	}
	if data == nil {
		data = map[string]any{}
	}
	if err := s.events.fire(eventType, data, "api"); err != nil {
		message(w, http.StatusBadRequest, "Event data should be valid JSON.")
		return
	}
	message(w, http.StatusOK, "Event "+eventType+" fired.")
}

// streamPing is what Home Assistant's event stream sends on connect and
// every keep-alive.
const streamPing = "data: ping\n\n"

// stream is GET /api/stream: server-sent events, Home Assistant's
// APIEventStream (optional restrict=type,…,entity_id,…).
func (s *server) stream(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	types, entities := parseRestrict(r.URL.Query().Get("restrict"))
	c := s.events.subscribe(types, entities, func() { _ = rc.SetWriteDeadline(time.Now()) })
	defer s.events.unsubscribe(c)

	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	write := func(b ...[]byte) bool {
		if err := rc.SetWriteDeadline(time.Now().Add(s.opts.WriteTimeout)); err != nil {
			return false
		}
		for _, p := range b {
			if _, err := w.Write(p); err != nil {
				return false
			}
		}
		return rc.Flush() == nil
	}
	if !write([]byte(streamPing)) {
		return
	}
	ping := time.NewTicker(s.opts.KeepAlive)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.opts.Shutdown:
			return
		case <-c.gone:
			s.log.Warn("web: an event stream client fell behind and was dropped", "client", r.RemoteAddr)
			return
		case <-ping.C:
			if !write([]byte(streamPing)) {
				return
			}
		case b := <-c.q:
			if !write([]byte("data: "), b, []byte("\n\n")) {
				return
			}
		}
	}
}
