package mqtt

import (
	"bytes"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"

	mochi "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// BrokerOptions configure the embedded broker.
type BrokerOptions struct {
	Listen   string // host:port
	Username string // required, with Password, beyond loopback
	Password string
	Logger   *slog.Logger
}

// Broker is the embedded MQTT broker (mochi-mqtt).
type Broker struct {
	srv  *mochi.Server
	addr string
}

// ErrAnonymousBroker is an embedded broker asked to listen beyond loopback
// without a username and password.
var ErrAnonymousBroker = errors.New("the embedded MQTT broker listens beyond loopback only with a username and password (set mqtt.username and mqtt.password, or listen on 127.0.0.1)")

// IsLoopback reports whether a listen address is on loopback only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// StartBroker starts the embedded broker; Close stops it.
func StartBroker(ctx context.Context, o BrokerOptions) (*Broker, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if !IsLoopback(o.Listen) && (o.Username == "" || o.Password == "") {
		return nil, ErrAnonymousBroker
	}
	srv := mochi.New(&mochi.Options{Logger: o.Logger.With("part", "mqtt-broker"), InlineClient: false})
	if err := srv.AddHook(&authHook{username: []byte(o.Username), password: []byte(o.Password)}, nil); err != nil {
		return nil, err
	}
	tcp := listeners.NewTCP(listeners.Config{ID: "tcp", Address: o.Listen})
	if err := srv.AddListener(tcp); err != nil {
		return nil, fmt.Errorf("the embedded MQTT broker cannot listen on %s: %w", o.Listen, err)
	}
	if err := srv.Serve(); err != nil {
		_ = srv.Close()
		return nil, err
	}
	return &Broker{srv: srv, addr: tcp.Address()}, nil
}

// Addr is the address the broker listens on.
func (b *Broker) Addr() string { return b.addr }

// URL is the broker's tcp:// URL.
func (b *Broker) URL() string { return "tcp://" + b.addr }

// Close stops the broker.
func (b *Broker) Close() error { return b.srv.Close() }

// authHook lets a client in with the configured username and password
// (compared in constant time), or anyone when none is configured (a
// loopback broker).
type authHook struct {
	mochi.HookBase
	username, password []byte
}

func (h *authHook) ID() string { return "teslafleet-auth" }

func (h *authHook) Provides(b byte) bool {
	return bytes.Contains([]byte{mochi.OnConnectAuthenticate, mochi.OnACLCheck}, []byte{b})
}

func (h *authHook) OnConnectAuthenticate(cl *mochi.Client, pk packets.Packet) bool {
	if len(h.username) == 0 {
		return true
	}
	user := subtle.ConstantTimeCompare(cl.Properties.Username, h.username)
	pass := subtle.ConstantTimeCompare(pk.Connect.Password, h.password)
	return user&pass == 1
}

func (h *authHook) OnACLCheck(*mochi.Client, string, bool) bool { return true }
