package sim

import (
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// rateLimits are Tesla's per-vehicle, per-account limits per minute.
var rateLimits = map[string]int{catData: 60, catCommands: 30, catWakes: 3}

const rateWindow = time.Minute

// rateLimiter is a sliding one-minute window per key on the world clock.
type rateLimiter struct {
	now  func() time.Time
	mu   sync.Mutex
	hits map[string][]time.Time
}

func newRateLimiter(now func() time.Time) *rateLimiter {
	return &rateLimiter{now: now, hits: map[string][]time.Time{}}
}

// take records a request for key if a slot is free, setting the RateLimit-*
// headers; otherwise it returns Tesla's 429.
func (l *rateLimiter) take(w http.ResponseWriter, key string, limit int) error {
	now := l.now()
	l.mu.Lock()
	hits := l.hits[key]
	i := 0
	for i < len(hits) && now.Sub(hits[i]) >= rateWindow {
		i++
	}
	hits = hits[i:]
	ok := len(hits) < limit
	if ok {
		hits = append(hits, now)
	}
	l.hits[key] = hits
	reset := rateWindow
	if len(hits) > 0 {
		reset = hits[0].Add(rateWindow).Sub(now)
	}
	remaining := limit - len(hits)
	l.mu.Unlock()

	secs := int((reset + time.Second - 1) / time.Second)
	if secs < 1 {
		secs = 1
	}
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(secs))
	if ok {
		return nil
	}
	return &apiError{Status: http.StatusTooManyRequests, Text: fmt.Sprintf("Retry in %d seconds", secs),
		Header: map[string]string{"Retry-After": strconv.Itoa(secs)}}
}

// reset forgets every window.
func (l *rateLimiter) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hits = map[string][]time.Time{}
}
