package app

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// folder is the name of the team's folder beside the repository, spelt in
// parts so that this file does not refer to it itself.
const folder = "sha" + "red"

// sharedRef matches a reference to that folder in any spelling: a relative
// path, a path built from parts with filepath.Join, or one of the folder's
// own subdirectories named from anywhere.
var sharedRef = regexp.MustCompile(`\.\.["'` + "`" + `]?\s*[/\\,]+\s*["'` + "`" + `]?` + folder + `\b` +
	`|\b` + folder + `[/\\]+(fixtures|design|reference|mission|hooks)\b` +
	`|"` + folder + `",\s*"(fixtures|design|reference|mission|hooks)"`)

// The repository stands alone: a person who clones it has no such folder
// beside it, so no file may refer to one.
func TestNoFileRefersToTheTeamFolder(t *testing.T) {
	root := filepath.Join("..", "..")
	found := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") && name != ".ci" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.IndexByte(b, 0) >= 0 {
			return nil // binary
		}
		found++
		for i, line := range strings.Split(string(b), "\n") {
			if sharedRef.MatchString(line) {
				rel, _ := filepath.Rel(root, path)
				t.Errorf("%s:%d refers to the team's folder, which a clone does not have: %s", rel, i+1, strings.TrimSpace(line))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 50 {
		t.Fatalf("read only %d files: is the walk rooted at the repository?", found)
	}
}

func TestTeamFolderPattern(t *testing.T) {
	up, q := "..", `"`
	for _, c := range []struct {
		line string
		want bool
	}{
		{`dir := "` + up + "/" + folder + `/fixtures/ha"`, true},
		{`filepath.Join("` + up + `", "` + up + `", ` + q + folder + q + `, "fixtures", "ha")`, true},
		{`filepath.Join("` + up + `", ` + q + folder + q + `)`, true},
		{"see `" + up + "/" + folder + "/design/architecture.md`", true},
		{`seeded with ` + folder + `/fixtures/ha`, true},
		{`"` + up + `\\` + folder + `\\x"`, true},
		{`the SessionCache ` + folder + ` by every VIN`, false},
		{folder + `Key(priv, pub)`, false},
		{`testdata/ha`, false},
	} {
		t.Run(c.line, func(t *testing.T) {
			if got := sharedRef.MatchString(c.line); got != c.want {
				t.Errorf("match(%q) = %v, want %v", c.line, got, c.want)
			}
		})
	}
}
