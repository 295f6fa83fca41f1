package vcp

import (
	"bytes"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"testing"
)

func newPub(t *testing.T) []byte {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k.PublicKey().Bytes()
}

func TestNewCarOptions(t *testing.T) {
	rec := newRecorder()
	if _, err := NewCar(Options{Exec: rec}); !errors.Is(err, ErrOptions) {
		t.Errorf("no VIN: %v", err)
	}
	if _, err := NewCar(Options{VIN: testVIN}); !errors.Is(err, ErrOptions) {
		t.Errorf("no Exec: %v", err)
	}
	car, err := NewCar(Options{VIN: testVIN, Exec: rec})
	if err != nil {
		t.Fatal(err)
	}
	if got := car.Handle(nil); len(got) == 0 {
		t.Error("empty reply")
	}
}

func TestDomainKeysAreDeterministic(t *testing.T) {
	mk := func(vin string, seed []byte) *Car {
		c, err := NewCar(Options{VIN: vin, Seed: seed, Exec: newRecorder()})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := mk(testVIN, []byte("s")), mk(testVIN, []byte("s"))
	for _, d := range []string{"vcsec", "infotainment"} {
		if !bytes.Equal(a.PublicKey(d), b.PublicKey(d)) || !validPublicKey(a.PublicKey(d)) {
			t.Errorf("%s key not deterministic", d)
		}
	}
	if bytes.Equal(a.PublicKey("vcsec"), a.PublicKey("infotainment")) {
		t.Error("domains share a key")
	}
	if bytes.Equal(a.PublicKey("vcsec"), mk("5YJ3E1EA7KF000000", []byte("s")).PublicKey("vcsec")) {
		t.Error("VINs share a key")
	}
	if bytes.Equal(a.PublicKey("vcsec"), mk(testVIN, []byte("t")).PublicKey("vcsec")) {
		t.Error("seeds share a key")
	}
	if bytes.Equal(mk(testVIN, nil).PublicKey("vcsec"), mk(testVIN, nil).PublicKey("vcsec")) {
		t.Error("empty seeds are not random")
	}
	if a.PublicKey("bogus") != nil {
		t.Error("unknown domain has a key")
	}
}

func TestKeychain(t *testing.T) {
	car := newTestCar(t, newFakeClock(), newRecorder())
	good := newPub(t)
	notOnCurve := bytes.Clone(good)
	notOnCurve[64] ^= 1
	compressed := append([]byte{0x02}, good[1:33]...)
	wrongPrefix := bytes.Clone(good)
	wrongPrefix[0] = 0x05
	for name, k := range map[string][]byte{
		"nil": nil, "short": good[:64], "long": append(bytes.Clone(good), 0),
		"not on curve": notOnCurve, "compressed": compressed, "wrong prefix": wrongPrefix,
	} {
		if err := car.AddKey(k); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("%s: AddKey = %v", name, err)
		}
	}
	if err := car.AddKey(good); err != nil {
		t.Fatal(err)
	}
	if err := car.AddKey(good); err != nil {
		t.Errorf("re-adding: %v", err)
	}
	if !car.HasKey(good) || len(car.Keys()) != 1 {
		t.Fatalf("keys = %d", len(car.Keys()))
	}
	car.Keys()[0][1] ^= 1
	if !car.HasKey(good) {
		t.Error("Keys returned the keychain's own memory")
	}
	for i := 1; i < MaxKeys; i++ {
		if err := car.AddKey(newPub(t)); err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
	}
	if err := car.AddKey(newPub(t)); !errors.Is(err, ErrKeychainFull) {
		t.Errorf("key 21: %v", err)
	}
	car.RemoveKey(good)
	if car.HasKey(good) || len(car.Keys()) != MaxKeys-1 {
		t.Error("RemoveKey did not remove")
	}
	car.RemoveKey(good) // no-op
	if err := car.AddKey(newPub(t)); err != nil {
		t.Errorf("after removal: %v", err)
	}
}
