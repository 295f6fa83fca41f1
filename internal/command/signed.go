package command

import (
	"context"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/teslamotors/vehicle-command/pkg/protocol"
	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
	"github.com/teslamotors/vehicle-command/pkg/vehicle"
)

// execSigned runs one command through the SDK: a short-lived Vehicle over
// our connector, the session for the command's domain (from the cache when
// it has one, else a handshake), the command, and the updated sessions saved.
// sent reports whether the command itself (not just the handshake) went out.
func (c *Commander) execSigned(ctx context.Context, vin string, cmd Command) (sent bool, err error) {
	if c.cfg.Key == nil {
		return false, errNoKey
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	sc := c.sessions.get(ctx)
	conn := newConnection(vin, c.fleet, c.cfg.RetryInterval)
	v, err := vehicle.NewVehicle(conn, c.cfg.Key, sc)
	if err != nil {
		conn.Close()
		return false, err
	}
	defer v.Disconnect()
	// Saved even when the command failed: a resync (new epoch, counter)
	// is worth keeping. The caller's deadline must not stop the save.
	defer c.sessions.save(context.WithoutCancel(ctx), v)
	// Connect only starts the dispatcher goroutine (no I/O). With a context
	// that is already over, the SDK's Start can return before that
	// goroutine registers, so Disconnect cannot stop it and it leaks,
	// blocked for ever; the command's own I/O below still honours ctx.
	if err := v.Connect(context.WithoutCancel(ctx)); err != nil {
		return false, err
	}
	if err := v.StartSession(ctx, []universal.Domain{cmd.spec.domain}); err != nil {
		return false, err
	}
	return true, cmd.spec.signed(ctx, v, cmd.p)
}

// ParsePrivateKey reads the app's P-256 private key from PEM ("EC PRIVATE
// KEY" or "PRIVATE KEY"), as kept next to the public key hosted at
// /.well-known/appspecific/com.tesla.3p.public-key.pem.
func ParsePrivateKey(pemBytes []byte) (protocol.ECDHPrivateKey, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, errors.New("command: no PEM block in private key")
	}
	var (
		key any
		err error
	)
	switch block.Type {
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("command: unexpected PEM block %q in private key", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("command: parsing private key: %w", err)
	}
	ec, ok := key.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errors.New("command: private key is not an EC key")
	}
	priv, err := ec.ECDH()
	if err != nil || priv.Curve() != ecdh.P256() {
		return nil, errors.New("command: private key is not on P-256")
	}
	k := protocol.UnmarshalECDHPrivateKey(priv.Bytes())
	if k == nil {
		return nil, errors.New("command: invalid P-256 private key")
	}
	return k, nil
}

// LoadPrivateKey reads the private key from a PEM file.
func LoadPrivateKey(path string) (protocol.ECDHPrivateKey, error) {
	return protocol.LoadPrivateKey(path)
}
