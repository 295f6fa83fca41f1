package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// Tokens are made once (only their hash is kept), listed, found by hash,
// touched and revoked; a revoked token is not found again, and they
// survive a reopen.
func TestAPITokens(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := openT(t, dir)
	a, tokA, err := s.CreateAPIToken(ctx, "phone")
	must(t, err)
	b, tokB, err := s.CreateAPIToken(ctx, "grafana")
	must(t, err)
	equal(t, "token length", len(tokA), 64)
	if tokA == tokB || a.ID == b.ID {
		t.Fatalf("two tokens alike: %s %s", tokA, tokB)
	}
	equal(t, "hash", a.Hash, HashAPIToken(tokA))
	if strings.Contains(a.Hash, tokA) {
		t.Fatal("the hash holds the token")
	}
	cases := []struct {
		name string
		tok  string
		want int64 // 0: not found
	}{
		{"first", tokA, a.ID},
		{"second", tokB, b.ID},
		{"unknown", "not-a-token", 0},
		{"hash is not a token", a.Hash, 0},
	}
	for _, c := range cases {
		got, err := s.APITokenByHash(ctx, HashAPIToken(c.tok))
		switch {
		case c.want == 0 && !errors.Is(err, ErrNotFound):
			t.Errorf("%s: %v %v, want ErrNotFound", c.name, got, err)
		case c.want != 0 && (err != nil || got.ID != c.want):
			t.Errorf("%s: %v %v", c.name, got, err)
		}
	}
	used := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	must(t, s.TouchAPIToken(ctx, a.ID, used))
	must(t, s.RevokeAPIToken(ctx, b.ID))
	if err := s.RevokeAPIToken(ctx, b.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoke twice: %v", err)
	}
	if _, err := s.APITokenByHash(ctx, HashAPIToken(tokB)); !errors.Is(err, ErrNotFound) {
		t.Errorf("revoked token found: %v", err)
	}
	must(t, s.Close())
	s = openT(t, dir)
	list, err := s.ListAPITokens(ctx)
	must(t, err)
	if len(list) != 1 || list[0].Name != "phone" || !list[0].LastUsed.Equal(used) || list[0].CreatedAt.IsZero() {
		t.Errorf("list %+v", list)
	}
}
