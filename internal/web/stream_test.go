package web

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/entity"
)

// openStream connects to /api/stream and returns its lines.
func openStream(t testing.TB, url, query string) (*bufio.Scanner, func()) {
	t.Helper()
	req, err := http.NewRequest("GET", url+"/api/stream"+query, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	return sc, func() { resp.Body.Close() }
}

// nextData returns the next "data: " payload.
func nextData(sc *bufio.Scanner) (string, error) {
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			return d, nil
		}
	}
	if sc.Err() != nil {
		return "", sc.Err()
	}
	return "", io.EOF
}

func toggle(t testing.TB, reg *entity.Registry) {
	t.Helper()
	if _, err := reg.Call(context.Background(), "switch", "toggle", []string{"switch.test_sentry_mode"}, nil); err != nil {
		t.Fatal(err)
	}
}

type streamEvent struct {
	EventType string `json:"event_type"`
	Origin    string `json:"origin"`
	TimeFired string `json:"time_fired"`
	Context   struct{ ID string }
	Data      struct {
		EntityID string        `json:"entity_id"`
		OldState *entity.State `json:"old_state"`
		NewState *entity.State `json:"new_state"`
	}
}

// A stream client gets Home Assistant's ping, then each state change as a
// state_changed event within a second; restrict narrows what it gets.
func TestStream(t *testing.T) {
	srv, _, reg := newServerWith(t, nil)
	cases := []struct {
		name, query string
		fire        func()
		want        string // event type, or "" for nothing
	}{
		{"state change", "", func() { toggle(t, reg) }, "state_changed"},
		{"restricted to the entity", "?restrict=switch.test_sentry_mode", func() { toggle(t, reg) }, "state_changed"},
		{"restricted to another entity", "?restrict=lock.test_lock", func() { toggle(t, reg) }, ""},
		{"restricted to an event type", "?restrict=my_event", func() {
			toggle(t, reg)
			do(t, srv, "POST", "/api/events/my_event", "Bearer "+token, `{"a":1}`)
		}, "my_event"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sc, closeStream := openStream(t, srv.URL, c.query)
			defer closeStream()
			if d, err := nextData(sc); err != nil || d != "ping" {
				t.Fatalf("first data %q %v, want ping", d, err)
			}
			got := make(chan string, 1)
			go func() {
				d, _ := nextData(sc)
				got <- d
			}()
			start := time.Now()
			c.fire()
			select {
			case d := <-got:
				if c.want == "" {
					t.Fatalf("got %s, want nothing", d)
				}
				if time.Since(start) > time.Second {
					t.Errorf("event after %v", time.Since(start))
				}
				var ev streamEvent
				if err := json.Unmarshal([]byte(d), &ev); err != nil {
					t.Fatalf("%v: %s", err, d)
				}
				if ev.EventType != c.want || ev.TimeFired == "" || len(ev.Context.ID) != 26 {
					t.Errorf("event %s", d)
				}
				switch c.want {
				case "state_changed":
					if ev.Origin != "LOCAL" || ev.Data.EntityID != "switch.test_sentry_mode" || ev.Data.OldState == nil || ev.Data.NewState == nil ||
						ev.Data.OldState.State == ev.Data.NewState.State {
						t.Errorf("event %s", d)
					}
				case "my_event":
					if ev.Origin != "REMOTE" || !strings.Contains(d, `"data":{"a":1}`) {
						t.Errorf("event %s", d)
					}
				}
			case <-time.After(time.Second):
				if c.want != "" {
					t.Fatal("no event within a second")
				}
			}
		})
	}
}

// The stream pings on each keep-alive.
func TestStreamKeepAlive(t *testing.T) {
	srv, _, _ := newServerWith(t, func(o *Options) { o.KeepAlive = 20 * time.Millisecond })
	sc, closeStream := openStream(t, srv.URL, "")
	defer closeStream()
	for i := range 3 {
		if d, err := nextData(sc); err != nil || d != "ping" {
			t.Fatalf("data %d: %q %v", i, d, err)
		}
	}
}

// smallBuffers makes the server's socket send buffers small, so that a
// client that stops reading stalls the server's writes soon.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetWriteBuffer(4096)
	}
	return c, err
}

// One hundred stream clients, one of which stops reading: the others get
// every change promptly, and the stalled one is dropped (its connection
// closed) instead of holding them up.
func TestStreamStalledClient(t *testing.T) {
	const clients, changes = 100, 200
	reg, h := fleetHandler(t, 1, 0, func(o *Options) { o.StreamBuffer = 64 })
	srv := httptest.NewUnstartedServer(h)
	srv.Listener = smallBuffers{srv.Listener}
	srv.Start()
	defer srv.Close()

	// The stalled client: it sends its request and never reads.
	stalled, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer stalled.Close()
	_ = stalled.(*net.TCPConn).SetReadBuffer(4096)
	fmt.Fprintf(stalled, "GET /api/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", token)

	var wg sync.WaitGroup
	lastAt := make([]time.Time, clients-1)
	counts := make([]int, clients-1)
	ready := make(chan struct{}, clients)
	for i := range clients - 1 {
		sc, closeStream := openStream(t, srv.URL, "")
		defer closeStream()
		wg.Go(func() {
			if d, err := nextData(sc); err != nil || d != "ping" {
				t.Errorf("client %d: %q %v", i, d, err)
			}
			ready <- struct{}{}
			for counts[i] < changes {
				if _, err := nextData(sc); err != nil {
					t.Errorf("client %d after %d events: %v", i, counts[i], err)
					return
				}
				counts[i]++
				lastAt[i] = time.Now()
			}
		})
	}
	for range clients - 1 {
		<-ready
	}
	// Wait for the stalled client's subscription.
	for deadline := time.Now().Add(2 * time.Second); ; {
		status, body := get(h, "/api/events")
		if status == 200 && strings.Contains(body, `{"event":"*","listener_count":100}`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("listeners: %s", body)
		}
		time.Sleep(5 * time.Millisecond)
	}
	var last time.Time
	for range changes {
		toggle(t, reg)
		last = time.Now()
		time.Sleep(2 * time.Millisecond)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the reading clients did not get every change")
	}
	for i, at := range lastAt {
		if counts[i] != changes {
			t.Errorf("client %d got %d of %d changes", i, counts[i], changes)
		}
		if d := at.Sub(last); d > time.Second {
			t.Errorf("client %d got the last change %v after it happened", i, d)
		}
	}
	// The stalled client's connection is closed: reading it to the end
	// finishes (EOF or reset), it does not time out.
	_ = stalled.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err = io.Copy(io.Discard, stalled)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the stalled client was not dropped")
	}
	_, body := get(h, "/api/events")
	if !strings.Contains(body, `{"event":"*","listener_count":99}`) {
		t.Errorf("listeners after the drop: %s", body)
	}
}

func get(h http.Handler, path string) (int, string) {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String()
}
