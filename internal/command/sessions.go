package command

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"github.com/teslamotors/vehicle-command/pkg/cache"
	"github.com/teslamotors/vehicle-command/pkg/vehicle"
)

// SessionStore persists the signed-command session cache (the JSON export of
// the SDK's cache.SessionCache) so that a restart needs no new handshake.
// LoadSessions returns nil, nil when nothing was saved yet. The cache is tied
// to the private key: clear the store when the key changes.
type SessionStore interface {
	LoadSessions(ctx context.Context) ([]byte, error)
	SaveSessions(ctx context.Context, data []byte) error
}

// MemorySessionStore keeps the session cache in memory (tests, demo).
type MemorySessionStore struct {
	mu   sync.Mutex
	data []byte
}

func (m *MemorySessionStore) LoadSessions(context.Context) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return bytes.Clone(m.data), nil
}

func (m *MemorySessionStore) SaveSessions(_ context.Context, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data = bytes.Clone(data)
	return nil
}

// FileSessionStore keeps the session cache in one file (mode 0600), replaced
// atomically on every save.
type FileSessionStore struct {
	Path string
}

func (f FileSessionStore) LoadSessions(context.Context) ([]byte, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

func (f FileSessionStore) SaveSessions(_ context.Context, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), filepath.Base(f.Path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), f.Path)
}

// sessions owns the in-memory SessionCache shared by every VIN, loaded from
// the store before the first signed command and saved after each batch
// whenever its export changed.
type sessions struct {
	store SessionStore
	log   *slog.Logger

	mu     sync.Mutex
	cache  *cache.SessionCache
	saved  []byte
	loaded bool
}

// get returns the cache, loading it on first use. A missing, unreadable or
// unloadable export only costs a handshake per domain, so it is logged and
// the cache starts empty.
func (s *sessions) get(ctx context.Context) *cache.SessionCache {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.loaded {
		return s.cache
	}
	s.cache, s.loaded = cache.New(0), true
	data, err := s.store.LoadSessions(ctx)
	if err != nil {
		s.log.Warn("command: loading session cache failed, starting empty", "err", err)
		return s.cache
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return s.cache
	}
	c, err := cache.Import(bytes.NewReader(data))
	if err != nil {
		s.log.Warn("command: session cache unreadable, starting empty", "err", err)
		return s.cache
	}
	if c.Vehicles == nil {
		c = cache.New(c.MaxEntries)
	}
	s.cache, s.saved = c, bytes.Clone(data)
	return s.cache
}

// save records v's sessions and persists the cache when it changed.
func (s *sessions) save(ctx context.Context, v *vehicle.Vehicle) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cache == nil {
		return
	}
	if err := v.UpdateCachedSessions(s.cache); err != nil {
		s.log.Warn("command: updating session cache failed", "vin", v.VIN(), "err", err)
		return
	}
	var buf bytes.Buffer
	if err := s.cache.Export(&buf); err != nil {
		s.log.Warn("command: exporting session cache failed", "err", err)
		return
	}
	if bytes.Equal(buf.Bytes(), s.saved) {
		return
	}
	if err := s.store.SaveSessions(ctx, buf.Bytes()); err != nil {
		s.log.Warn("command: saving session cache failed", "err", err)
		return
	}
	s.saved = buf.Bytes()
}
