package app

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/config"
)

// mosquittoSub waits until topic holds a retained message and returns it
// (mosquitto_sub with args: host, port, credentials or certificates).
func mosquittoSub(t *testing.T, args []string, topic string, log *bytes.Buffer) string {
	t.Helper()
	deadline := time.Now().Add(40 * time.Second)
	for time.Now().Before(deadline) {
		out, err := exec.Command("mosquitto_sub", append(args, "-t", topic, "-C", "1", "-W", "2")...).Output()
		if err == nil && len(out) > 0 {
			return strings.TrimSpace(string(out))
		}
	}
	t.Fatalf("mosquitto_sub %s: nothing retained (broker log: %s)", topic, log)
	return ""
}

// A broker restart is survived: mosquitto (without persistence) forgets
// every retained message when it stops; once it is back on the same port
// the exporter reconnects by itself and publishes everything again, and
// the metrics follow the connection.
func TestMQTTSurvivesAMosquittoRestart(t *testing.T) {
	mosquitto := needMosquitto(t)
	dir := t.TempDir()
	port := freePort(t)
	log, stopBroker := runMosquitto(t, mosquitto, dir, port, "allow_anonymous true\n")

	s := newSimApp(t, allScopes, nil)
	c := config.Default().MQTT
	c.URL = fmt.Sprintf("tcp://127.0.0.1:%d", port)
	stop, err := startMQTT(context.Background(), c, s.Registry(), s.metrics, &bytes.Buffer{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	args := []string{"-h", "127.0.0.1", "-p", fmt.Sprint(port)}
	configTopic := "homeassistant/number/" + s.vin + "-charge_state_charge_limit_soc/config"
	stateTopic := "teslafleet/" + s.vin + "/charge_limit/state"
	check := func(when string) {
		t.Helper()
		if got := mosquittoSub(t, args, "teslafleet/status", log); got != "online" {
			t.Errorf("%s: teslafleet/status = %q", when, got)
		}
		if got := mosquittoSub(t, args, configTopic, log); !strings.Contains(got, `"unique_id":"`+s.vin+`-charge_state_charge_limit_soc"`) {
			t.Errorf("%s: %s = %s", when, configTopic, got)
		}
		if got := mosquittoSub(t, args, stateTopic, log); got != "80" {
			t.Errorf("%s: %s = %q, want the car's 80", when, stateTopic, got)
		}
	}
	check("before the restart")
	published := s.metrics.mq.Stats().Published

	stopBroker()
	deadline := time.Now().Add(10 * time.Second)
	for s.metrics.mq.Stats().Connected {
		if time.Now().After(deadline) {
			t.Fatal("the exporter did not notice the broker went away")
		}
		time.Sleep(20 * time.Millisecond)
	}
	log, _ = runMosquitto(t, mosquitto, dir, port, "allow_anonymous true\n")
	check("after the restart")
	if st := s.metrics.mq.Stats(); !st.Connected || st.Published <= published {
		t.Errorf("after the restart: %+v (published before %d)", st, published)
	}
}

// A TLS connection to mosquitto that asks for a client certificate: a
// throwaway CA signs the broker's and teslafleet's certificates, and the
// broker takes the certificate's name as the user.
func TestMQTTWithMosquittoOverTLS(t *testing.T) {
	mosquitto := needMosquitto(t)
	dir := t.TempDir()
	pki := newTestPKI(t, dir)
	port := freePort(t)
	log, _ := runMosquitto(t, mosquitto, dir, port, fmt.Sprintf(
		"allow_anonymous false\ncafile %s\ncertfile %s\nkeyfile %s\nrequire_certificate true\nuse_identity_as_username true\n",
		pki.ca, pki.serverCert, pki.serverKey))

	s := newSimApp(t, allScopes, nil)
	c := config.Default().MQTT
	c.URL = fmt.Sprintf("ssl://127.0.0.1:%d", port)
	c.CAFile, c.ClientCert, c.ClientKey = pki.ca, pki.clientCert, pki.clientKey
	stop, err := startMQTT(context.Background(), c, s.Registry(), nil, &bytes.Buffer{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	args := []string{"-h", "127.0.0.1", "-p", fmt.Sprint(port), "--cafile", pki.ca, "--cert", pki.clientCert, "--key", pki.clientKey}
	if got := mosquittoSub(t, args, "teslafleet/status", log); got != "online" {
		t.Errorf("teslafleet/status over TLS = %q", got)
	}
	if got := mosquittoSub(t, args, "teslafleet/"+s.vin+"/charge_limit/state", log); got != "80" {
		t.Errorf("the charge limit over TLS = %q, want 80", got)
	}
}

// testPKI are the PEM files of a throwaway CA, a broker certificate for
// 127.0.0.1 and a client certificate.
type testPKI struct{ ca, serverCert, serverKey, clientCert, clientKey string }

func newTestPKI(t *testing.T, dir string) testPKI {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	now := time.Now()
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "teslafleet test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leaf := func(serial int64, cn string, usage x509.ExtKeyUsage, ips []net.IP) ([]byte, []byte) {
		k := key()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IPAddresses: ips,
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kder, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return der, kder
	}
	sc, sk := leaf(2, "127.0.0.1", x509.ExtKeyUsageServerAuth, []net.IP{net.IPv4(127, 0, 0, 1)})
	cc, ck := leaf(3, "teslafleet", x509.ExtKeyUsageClientAuth, nil)
	return testPKI{
		ca:         write("ca.pem", "CERTIFICATE", caDER),
		serverCert: write("server.pem", "CERTIFICATE", sc), serverKey: write("server.key", "EC PRIVATE KEY", sk),
		clientCert: write("client.pem", "CERTIFICATE", cc), clientKey: write("client.key", "EC PRIVATE KEY", ck),
	}
}
