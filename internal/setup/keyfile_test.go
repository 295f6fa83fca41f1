package setup

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"
)

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

func TestGenerateKey(t *testing.T) {
	dir := t.TempDir()
	k, err := GenerateKey(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("files and modes", func(t *testing.T) {
		if m := mode(t, filepath.Join(dir, PrivateKeyFile)); m != 0o600 {
			t.Errorf("private key mode %04o", m)
		}
		if m := mode(t, filepath.Join(dir, PublicKeyFile)); m != 0o644 {
			t.Errorf("public key mode %04o", m)
		}
		pub, _ := os.ReadFile(filepath.Join(dir, PublicKeyFile))
		if !bytes.Equal(pub, k.PublicPEM) {
			t.Error("public key file differs from the pair")
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 2 {
			t.Errorf("left %d files (temporary files?)", len(entries))
		}
	})
	t.Run("load", func(t *testing.T) {
		l, err := LoadKey(dir)
		if err != nil {
			t.Fatal(err)
		}
		if l.PublicKeyHex() != k.PublicKeyHex() {
			t.Error("loaded another key")
		}
		h := k.PublicKeyHex()
		if len(h) != 130 || !strings.HasPrefix(h, "04") || h != strings.ToLower(h) {
			t.Errorf("public key hex %q", h)
		}
		if _, err := hex.DecodeString(h); err != nil {
			t.Error(err)
		}
	})
	t.Run("refuses to overwrite", func(t *testing.T) {
		_, err := GenerateKey(dir, false)
		if !errors.Is(err, ErrKeyExists) || !strings.Contains(err.Error(), "--force") {
			t.Fatalf("got %v", err)
		}
		if l, _ := LoadKey(dir); l.PublicKeyHex() != k.PublicKeyHex() {
			t.Error("the key changed")
		}
	})
	t.Run("force replaces", func(t *testing.T) {
		k2, err := GenerateKey(dir, true)
		if err != nil {
			t.Fatal(err)
		}
		if k2.PublicKeyHex() == k.PublicKeyHex() {
			t.Error("same key")
		}
		if l, _ := LoadKey(dir); l.PublicKeyHex() != k2.PublicKeyHex() {
			t.Error("not stored")
		}
		if m := mode(t, filepath.Join(dir, PrivateKeyFile)); m != 0o600 {
			t.Errorf("private key mode %04o", m)
		}
	})
	t.Run("no key", func(t *testing.T) {
		if _, err := LoadKey(t.TempDir()); !errors.Is(err, ErrNoKey) {
			t.Errorf("got %v", err)
		}
	})
}

func pemOf(typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestImportKey(t *testing.T) {
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	sec1, _ := x509.MarshalECPrivateKey(p256)
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(p256)
	sec1384, _ := x509.MarshalECPrivateKey(p384)
	rsa8, _ := x509.MarshalPKCS8PrivateKey(rsaKey)
	ed8, _ := x509.MarshalPKCS8PrivateKey(edKey)
	params := pemOf("EC PARAMETERS", []byte{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07})
	ek, err := p256.PublicKey.ECDH()
	if err != nil {
		t.Fatal(err)
	}
	want := hex.EncodeToString(ek.Bytes()) // the uncompressed point, as Tesla gives it

	for _, tc := range []struct {
		name   string
		file   []byte
		ok     bool
		errHas string
	}{
		{"openssl SEC1", pemOf("EC PRIVATE KEY", sec1), true, ""},
		{"openssl ecparam with parameters", append(params, pemOf("EC PRIVATE KEY", sec1)...), true, ""},
		{"PKCS#8", pemOf("PRIVATE KEY", pkcs8), true, ""},
		{"P-384", pemOf("EC PRIVATE KEY", sec1384), false, "P-384"},
		{"RSA PKCS#1", pemOf("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)), false, "RSA"},
		{"RSA PKCS#8", pemOf("PRIVATE KEY", rsa8), false, "RSA"},
		{"Ed25519", pemOf("PRIVATE KEY", ed8), false, "Ed25519"},
		{"public key", pemOf("PUBLIC KEY", []byte{1}), false, "PUBLIC KEY"},
		{"not PEM", []byte("hello"), false, "no PEM"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := filepath.Join(t.TempDir(), "tesla_fleet.key")
			if err := os.WriteFile(src, tc.file, 0o600); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			k, err := ImportKey(dir, src, false)
			if !tc.ok {
				if !errors.Is(err, ErrBadKey) || !strings.Contains(err.Error(), tc.errHas) {
					t.Fatalf("got %v, want ErrBadKey naming %q", err, tc.errHas)
				}
				if _, err := os.Stat(filepath.Join(dir, PrivateKeyFile)); err == nil {
					t.Error("a refused key was written")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if k.PublicKeyHex() != want {
				t.Errorf("public key %s, want %s", k.PublicKeyHex(), want)
			}
			if m := mode(t, filepath.Join(dir, PrivateKeyFile)); m != 0o600 {
				t.Errorf("mode %04o", m)
			}
			if _, err := ImportKey(dir, src, false); !errors.Is(err, ErrKeyExists) {
				t.Errorf("second import: %v", err)
			}
			if _, err := ImportKey(dir, src, true); err != nil {
				t.Errorf("forced import: %v", err)
			}
		})
	}

	t.Run("real openssl", func(t *testing.T) {
		openssl, err := exec.LookPath("openssl")
		if err != nil {
			t.Skip("no openssl")
		}
		src := filepath.Join(t.TempDir(), "tesla_fleet.key")
		if out, err := exec.Command(openssl, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", src).CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		pubFile := filepath.Join(t.TempDir(), "public-key.pem")
		if out, err := exec.Command(openssl, "ec", "-in", src, "-pubout", "-out", pubFile).CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		k, err := ImportKey(t.TempDir(), src, false)
		if err != nil {
			t.Fatal(err)
		}
		pub, _ := os.ReadFile(pubFile)
		point, err := pointOfPublicPEM(pub)
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(point) != k.PublicKeyHex() {
			t.Error("openssl's public key differs from ours")
		}
	})
}

func TestURLs(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{PublicKeyURL("example.com"), "https://example.com/.well-known/appspecific/com.tesla.3p.public-key.pem"},
		{PairingURL("example.com", ""), "https://tesla.com/_ak/example.com"},
		{PairingURL("example.com", "5YJ3E1EB8RF000001"), "https://tesla.com/_ak/example.com?vin=5YJ3E1EB8RF000001"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
}

// The QR code decodes back, module for module, to the QR code of the text:
// a square with the quiet zone, deterministic.
func TestWriteQR(t *testing.T) {
	for _, text := range []string{"https://tesla.com/_ak/example.com", PairingURL("home.example.com", "5YJ3E1EB8RF000001")} {
		t.Run(text, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := WriteQR(&a, text); err != nil {
				t.Fatal(err)
			}
			if err := WriteQR(&b, text); err != nil {
				t.Fatal(err)
			}
			if a.String() != b.String() || a.Len() == 0 {
				t.Fatal("not deterministic or empty")
			}
			q, err := qrcode.New(text, qrcode.High)
			if err != nil {
				t.Fatal(err)
			}
			want := q.Bitmap()
			var got [][]bool
			sc := bufio.NewScanner(&a)
			for sc.Scan() {
				line := []rune(sc.Text())
				top, bottom := make([]bool, len(line)), make([]bool, len(line))
				for i, r := range line {
					switch r { // light modules are drawn; dark = space
					case '█':
					case '▀':
						bottom[i] = true
					case '▄':
						top[i] = true
					case ' ':
						top[i], bottom[i] = true, true
					default:
						t.Fatalf("unexpected rune %q", r)
					}
				}
				got = append(got, top, bottom)
			}
			if len(want)%2 == 1 {
				got = got[:len(got)-1]
			}
			if len(got) != len(want) {
				t.Fatalf("%d rows, want %d", len(got), len(want))
			}
			for y := range want {
				if len(got[y]) != len(want) {
					t.Fatalf("row %d has %d modules; not a square of %d", y, len(got[y]), len(want))
				}
				for x := range want[y] {
					if got[y][x] != want[y][x] {
						t.Fatalf("module (%d,%d) differs", x, y)
					}
				}
			}
			for x := 0; x < 4; x++ { // quiet zone
				if want[0][x] || want[x][0] {
					t.Fatal("no quiet zone")
				}
			}
		})
	}
}
