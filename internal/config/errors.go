package config

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid matches every *Error (errors.Is(err, ErrInvalid)): the
// configuration is bad, as opposed to failing at run time.
var ErrInvalid = errors.New("invalid configuration")

// Error is a bad configuration: where it is (the file and line, or the
// environment variable), the key path ("tesla.client_secret") and what is
// wrong. It prints as "teslafleet.yaml:7: tesla.client_secret: …" or
// "TESLAFLEET_HISTORY_RETENTION: history.retention: …".
type Error struct {
	File string // the config file ("" when the value is not from a file)
	Line int    // 1-based line in File (0: the file as a whole)
	Env  string // the environment variable the value came from
	Key  string // the dotted key path ("" for the file or variable as a whole)
	Msg  string
	Err  error // the underlying error, if any (e.g. the file's read error)
}

func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.Env != "":
		b.WriteString(e.Env + ": ")
	case e.File != "" && e.Line > 0:
		fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	case e.File != "":
		b.WriteString(e.File + ": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is ErrInvalid.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// suggest returns " (did you mean X?)" for the known name closest to name,
// or "" when none is close.
func suggest(name string, known []string) string {
	best, bestD := "", min(3, max(2, len(name)/3+1))
	for _, k := range known {
		if d := distance(strings.ToLower(name), strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
