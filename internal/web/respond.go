package web

import (
	"encoding/json"
	"net/http"
	"sort"
)

// writeJSON writes v as Home Assistant's JSON views do.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		plain(w, http.StatusInternalServerError, "500 Internal Server Error")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// message is Home Assistant's json_message: {"message": text}.
func message(w http.ResponseWriter, status int, text string) {
	writeJSON(w, status, map[string]string{"message": text})
}

// plain is aiohttp's plain-text error body ("401: Unauthorized").
func plain(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(text))
}

func sortDomains(d []serviceDomain) {
	sort.Slice(d, func(i, j int) bool { return d[i].Domain < d[j].Domain })
}
