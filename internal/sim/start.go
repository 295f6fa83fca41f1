package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Server is a cloud served on loopback listeners, one per region.
type Server struct {
	*Cloud
	URLs    map[string]string // "NA"/"EU"/"CN" -> "http://127.0.0.1:PORT"
	AuthURL string            // base URL of the OAuth server (= URLs["NA"])

	servers []*http.Server
	wg      sync.WaitGroup
	once    sync.Once
}

// Start serves the cloud: NA on addr (or an ephemeral loopback port when
// addr is ""), EU and CN on ephemeral loopback ports. Each region's base URL
// is set to its listener's.
func Start(addr string, opts Options) (*Server, error) {
	c, err := New(opts)
	if err != nil {
		return nil, err
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	s := &Server{Cloud: c, URLs: map[string]string{}}
	var lns []net.Listener
	for _, r := range Regions {
		a := "127.0.0.1:0"
		if r == "NA" {
			a = addr
		}
		ln, err := net.Listen("tcp", a)
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return nil, fmt.Errorf("sim: listen %s for %s: %w", a, r, err)
		}
		lns = append(lns, ln)
		s.URLs[r] = "http://" + ln.Addr().String()
		c.SetBaseURL(r, s.URLs[r])
	}
	s.AuthURL = s.URLs["NA"]
	c.mu.Lock()
	c.authURL = s.AuthURL
	c.mu.Unlock()
	errLog := slog.NewLogLogger(c.log.Handler(), slog.LevelDebug)
	for i, r := range Regions {
		srv := &http.Server{
			Handler:           c.Handler(r),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      5 * time.Minute, // injected latency may be long
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          errLog,
		}
		s.servers = append(s.servers, srv)
		s.wg.Add(1)
		go func(ln net.Listener) {
			defer s.wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				c.log.Error("sim: serve", "region", r, "err", err)
			}
		}(lns[i])
	}
	c.log.Info("sim: serving", "na", s.URLs["NA"], "eu", s.URLs["EU"], "cn", s.URLs["CN"])
	return s, nil
}

// Close stops the listeners, waiting briefly for requests in flight.
func (s *Server) Close() {
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		for _, srv := range s.servers {
			if err := srv.Shutdown(ctx); err != nil {
				srv.Close()
			}
		}
		s.wg.Wait()
	})
}
