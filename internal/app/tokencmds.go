package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/teslafleet/teslafleet/internal/store"
)

// RunTokenCreate makes a long-lived REST API token named name and prints
// it: the only time it is shown (the store keeps its hash).
func RunTokenCreate(ctx context.Context, o StoreOptions, name string, out io.Writer) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New("a token needs a name (teslafleet token create NAME)")
	}
	_, _, st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	t, tok, err := st.CreateAPIToken(ctx, name)
	if err != nil {
		return fmt.Errorf("keep the API token: %w", err)
	}
	fmt.Fprintf(out, "API token %d (%s):\n%s\n", t.ID, t.Name, tok)
	fmt.Fprintln(out, "Copy it now: it is not shown again. Send it as \"Authorization: Bearer <token>\"; teslafleet token revoke", t.ID, "ends it.")
	return nil
}

// RunTokenList prints the long-lived API tokens (never the tokens
// themselves).
func RunTokenList(ctx context.Context, o StoreOptions, out io.Writer) error {
	_, _, st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	list, err := st.ListAPITokens(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		fmt.Fprintln(out, "No API tokens: teslafleet token create NAME makes one.")
		return nil
	}
	for _, t := range list {
		used := "never used"
		if !t.LastUsed.IsZero() {
			used = "last used " + t.LastUsed.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(out, "%d  %s  created %s  %s\n", t.ID, t.Name, t.CreatedAt.Format("2006-01-02 15:04"), used)
	}
	return nil
}

// RunTokenRevoke deletes a long-lived API token; it is refused from then on.
func RunTokenRevoke(ctx context.Context, o StoreOptions, id string, out io.Writer) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("token id %q: want the number teslafleet token list shows", id)
	}
	_, _, st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.RevokeAPIToken(ctx, n); errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no API token %d (teslafleet token list shows them)", n)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(out, "Revoked API token %d.\n", n)
	return nil
}
