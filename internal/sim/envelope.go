package sim

import (
	"encoding/json"
	"net/http"
)

// envelope is Tesla's response wrapper.
type envelope struct {
	Response any `json:"response"`
}

// errorBody is Tesla's error wrapper: {"response":null,"error":…,"error_description":…}.
type errorBody struct {
	Response         any    `json:"response"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// bareError is the shorter body Tesla sends for some errors (401, 412).
type bareError struct {
	Error string `json:"error"`
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"response":null,"error":"upstream internal error","error_description":""}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// respond writes {"response": v} with 200.
func respond(w http.ResponseWriter, v any) {
	writeJSON(w, http.StatusOK, envelope{Response: v})
}
