package store

import (
	"bytes"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoSecretInClear saves secrets with marker strings and checks that no
// file of the data directory but the key holds them, while the store is
// open (the WAL) and after Close (the checkpointed database). A marker in
// a column that is not secret must be found, or the scan proves nothing.
func TestNoSecretInClear(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(ctx, testOptions(dir))
	must(t, err)
	secrets := []string{"MARKER-ACCESS-7f3a", "MARKER-REFRESH-91bc", "MARKER-CLIENTSECRET-44de", "MARKER-SESSIONS-0a5f"}
	const visible = "VISIBLE-ACCOUNT-5e2d"
	must(t, s.SaveApp(ctx, App{ClientID: "client", ClientSecret: secrets[2]}))
	must(t, s.SaveAccount(ctx, Account{ID: visible, Region: "eu"}))
	for range 3 { // old versions of a row linger in free pages and the WAL
		must(t, s.SaveToken(ctx, visible, Token{AccessToken: secrets[0], RefreshToken: secrets[1], TokenType: "Bearer"}))
		must(t, s.SaveSessions(ctx, "vcp", []byte("\x00"+secrets[3]+"\xff")))
	}
	scan := func(t *testing.T, wantFiles ...string) {
		entries, err := os.ReadDir(dir)
		must(t, err)
		var all []byte
		seen := map[string]bool{}
		for _, e := range entries {
			if e.Name() == KeyFile {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			must(t, err)
			seen[e.Name()] = true
			for _, m := range secrets {
				if bytes.Contains(b, []byte(m)) {
					t.Errorf("%s holds the secret %s in clear", e.Name(), m)
				}
			}
			all = append(all, b...)
		}
		for _, f := range wantFiles {
			if !seen[f] {
				t.Errorf("no %s in %s (have %v)", f, dir, seen)
			}
		}
		if !bytes.Contains(all, []byte(visible)) {
			t.Errorf("the account id is in no file: the scan reads the wrong files")
		}
	}
	t.Run("open", func(t *testing.T) { scan(t, DBFile, DBFile+"-wal", DBFile+"-shm") })
	must(t, s.Close())
	t.Run("closed", func(t *testing.T) { scan(t, DBFile) })

	s = openT(t, dir)
	tok, err := s.Token(ctx, visible)
	must(t, err)
	equal(t, "refresh token", tok.RefreshToken, secrets[1])
}

func TestKeyFile(t *testing.T) {
	ctx := t.Context()
	t.Run("created 0600 in a 0700 directory", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "data")
		openT(t, dir)
		fi, err := os.Stat(filepath.Join(dir, KeyFile))
		must(t, err)
		equal(t, "key file mode", fi.Mode().Perm(), os.FileMode(0o600))
		equal(t, "key file size", fi.Size(), int64(keySize))
		di, err := os.Stat(dir)
		must(t, err)
		equal(t, "dir mode", di.Mode().Perm(), os.FileMode(0o700))
	})
	t.Run("missing with an existing database", func(t *testing.T) {
		dir := t.TempDir()
		s := openT(t, dir)
		must(t, s.SaveAccount(ctx, Account{ID: "a"}))
		must(t, s.Close())
		must(t, os.Remove(filepath.Join(dir, KeyFile)))
		_, err := Open(ctx, testOptions(dir))
		if !errors.Is(err, ErrKeyMissing) {
			t.Fatalf("Open: err = %v, want ErrKeyMissing", err)
		}
		if _, err := os.Stat(filepath.Join(dir, KeyFile)); err == nil {
			t.Errorf("Open made a new key file")
		}
		if !strings.Contains(err.Error(), KeyFile) || !strings.Contains(err.Error(), DBFile) {
			t.Errorf("the error names neither file: %v", err)
		}
	})
	t.Run("a different key", func(t *testing.T) {
		dir := t.TempDir()
		s := openT(t, dir)
		must(t, s.SaveAccount(ctx, Account{ID: "a"}))
		must(t, s.SaveToken(ctx, "a", Token{AccessToken: "x"}))
		must(t, s.Close())
		other := make([]byte, keySize)
		rand.Read(other)
		must(t, os.WriteFile(filepath.Join(dir, KeyFile), other, 0o600))
		_, err := Open(ctx, testOptions(dir))
		if !errors.Is(err, ErrDecrypt) {
			t.Fatalf("Open: err = %v, want ErrDecrypt", err)
		}
		t.Logf("the error reads: %v", err)
	})
	t.Run("a key file of the wrong size", func(t *testing.T) {
		dir := t.TempDir()
		must(t, os.WriteFile(filepath.Join(dir, KeyFile), []byte("short"), 0o600))
		if _, err := Open(ctx, testOptions(dir)); err == nil || !strings.Contains(err.Error(), "holds 5 bytes") {
			t.Errorf("Open: err = %v, want the key's size", err)
		}
	})
}

// TestSealedValues checks the sealing of one value: the row identity binds
// it, and a wrong key or a changed byte is ErrDecrypt.
func TestSealedValues(t *testing.T) {
	key := make([]byte, keySize)
	rand.Read(key)
	s, err := newSealer(key)
	must(t, err)
	sealed := s.seal("token/a/refresh", []byte("secret"))
	if again := s.seal("token/a/refresh", []byte("secret")); bytes.Equal(sealed, again) {
		t.Errorf("two seals of one value are equal: the nonce is not random")
	}
	plain, err := s.open("token/a/refresh", sealed)
	must(t, err)
	equal(t, "plain", string(plain), "secret")

	rand.Read(key)
	other, err := newSealer(key)
	must(t, err)
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-1] ^= 1
	for _, c := range []struct {
		name   string
		s      sealer
		aad    string
		sealed []byte
	}{
		{"another row", s, "token/b/refresh", sealed},
		{"another column", s, "token/a/access", sealed},
		{"another key", other, "token/a/refresh", sealed},
		{"a changed byte", s, "token/a/refresh", flipped},
		{"an unknown format", s, "token/a/refresh", append([]byte{9}, sealed[1:]...)},
		{"empty", s, "token/a/refresh", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := c.s.open(c.aad, c.sealed); !errors.Is(err, ErrDecrypt) {
				t.Errorf("err = %v, want ErrDecrypt", err)
			}
		})
	}
}

// TestWrongKeyOnRead: a secret that does not decrypt (here: sealed for
// another row) is ErrDecrypt on read, not garbage.
func TestWrongKeyOnRead(t *testing.T) {
	ctx := t.Context()
	s := openT(t, "")
	must(t, s.SaveAccount(ctx, Account{ID: "a"}))
	must(t, s.SaveAccount(ctx, Account{ID: "b"}))
	must(t, s.SaveToken(ctx, "a", Token{AccessToken: "x"}))
	_, err := s.w.ExecContext(ctx, "INSERT INTO tokens SELECT 'b', access_token, refresh_token, token_type, expiry FROM tokens WHERE account_id = 'a'")
	must(t, err)
	if _, err := s.Token(ctx, "b"); !errors.Is(err, ErrDecrypt) {
		t.Errorf("Token of a moved row: err = %v, want ErrDecrypt", err)
	}
}
