package mqtt

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
)

// Client is what the exporter needs of an MQTT client; the connection
// comes and goes, and the client reconnects by itself.
type Client interface {
	// Start connects in the background and keeps reconnecting; up is
	// called after every connect, down after every loss.
	Start(ctx context.Context, up func(), down func(error)) error
	// Publish sends one message (QoS 1); it may fail while disconnected.
	Publish(ctx context.Context, topic string, payload []byte, retain bool) error
	// Subscribe delivers the messages of filter to fn (call it from up).
	Subscribe(ctx context.Context, filter string, fn func(topic string, payload []byte)) error
	// Unsubscribe ends a subscription.
	Unsubscribe(ctx context.Context, filter string) error
	// Stop publishes nothing more and disconnects (the will is not sent;
	// the caller publishes its own offline first).
	Stop()
}

// DialOptions configure the connection to a broker.
type DialOptions struct {
	URL        string // tcp://host:port, ssl://, tls:// (or mqtt://, mqtts://)
	Username   string
	Password   string
	ClientID   string
	ClientCert string // PEM files of a client certificate (optional)
	ClientKey  string
	CAFile     string // PEM CA bundle to verify the broker (default: the system's)
	// WillTopic gets WillPayload (retained) when the connection is lost.
	WillTopic   string
	WillPayload string
}

// pahoClient is Client on github.com/eclipse/paho.mqtt.golang.
type pahoClient struct {
	opts DialOptions
	c    paho.Client
	stop atomic.Bool
}

var _ Client = (*pahoClient)(nil)

// Dial returns a client of the broker at o.URL; Start connects it.
func Dial(o DialOptions) (Client, error) {
	u, err := url.Parse(o.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("mqtt: invalid broker URL %q", o.URL)
	}
	switch u.Scheme {
	case "tcp", "mqtt", "ssl", "tls", "mqtts":
	default:
		return nil, fmt.Errorf("mqtt: broker URL %q: want tcp://, ssl:// or tls://", o.URL)
	}
	if o.ClientID == "" {
		o.ClientID = "teslafleet"
	}
	return &pahoClient{opts: o}, nil
}

// tlsConfig is the TLS configuration of ssl:// and tls:// URLs.
func (o DialOptions) tlsConfig() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("mqtt: read the CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("mqtt: %s holds no PEM certificate", o.CAFile)
		}
		cfg.RootCAs = pool
	}
	if o.ClientCert != "" || o.ClientKey != "" {
		cert, err := tls.LoadX509KeyPair(o.ClientCert, o.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("mqtt: load the client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

func (p *pahoClient) Start(ctx context.Context, up func(), down func(error)) error {
	o := p.opts
	u, _ := url.Parse(o.URL)
	broker := o.URL
	switch u.Scheme {
	case "mqtt":
		broker = "tcp://" + u.Host
	case "mqtts", "tls":
		broker = "ssl://" + u.Host
	}
	co := paho.NewClientOptions().AddBroker(broker).SetClientID(o.ClientID).
		SetCleanSession(true).SetAutoReconnect(true).SetConnectRetry(true).
		SetConnectRetryInterval(2 * time.Second).SetMaxReconnectInterval(30 * time.Second).
		SetKeepAlive(30 * time.Second).SetOrderMatters(false).
		// Messages are never queued by the client while it is away: the
		// exporter keeps its own bounded backlog.
		SetMessageChannelDepth(1024)
	if o.Username != "" {
		co.SetUsername(o.Username)
		co.SetPassword(o.Password)
	}
	if u.Scheme == "ssl" || u.Scheme == "tls" || u.Scheme == "mqtts" {
		tc, err := o.tlsConfig()
		if err != nil {
			return err
		}
		co.SetTLSConfig(tc)
	}
	if o.WillTopic != "" {
		co.SetWill(o.WillTopic, o.WillPayload, 1, true)
	}
	co.SetOnConnectHandler(func(paho.Client) {
		if !p.stop.Load() {
			up()
		}
	})
	co.SetConnectionLostHandler(func(_ paho.Client, err error) { down(err) })
	p.c = paho.NewClient(co)
	// With ConnectRetry the first connect keeps trying in the background;
	// the token only reports a refusal that retrying cannot fix.
	p.c.Connect()
	return nil
}

func (p *pahoClient) Publish(ctx context.Context, topic string, payload []byte, retain bool) error {
	if !p.c.IsConnectionOpen() {
		return errNotConnected
	}
	t := p.c.Publish(topic, 1, retain, payload)
	return wait(ctx, t)
}

func (p *pahoClient) Subscribe(ctx context.Context, filter string, fn func(topic string, payload []byte)) error {
	t := p.c.Subscribe(filter, 1, func(_ paho.Client, m paho.Message) { fn(m.Topic(), m.Payload()) })
	return wait(ctx, t)
}

func (p *pahoClient) Unsubscribe(ctx context.Context, filter string) error {
	return wait(ctx, p.c.Unsubscribe(filter))
}

func (p *pahoClient) Stop() {
	p.stop.Store(true)
	if p.c != nil {
		p.c.Disconnect(250)
	}
}

// errNotConnected is a publish while the broker is away.
var errNotConnected = errors.New("mqtt: not connected")

// wait waits for a token until ctx ends or 10 seconds pass.
func wait(ctx context.Context, t paho.Token) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	select {
	case <-t.Done():
		return t.Error()
	case <-ctx.Done():
		return fmt.Errorf("mqtt: %w", ctx.Err())
	}
}
