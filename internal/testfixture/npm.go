package testfixture

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// NPMProject copies the files of a Node project under testdata (its
// package.json, its package-lock.json and its scripts) to a new temporary
// directory, installs the locked packages there with npm ci, and returns
// the directory. The test is skipped when node or npm is missing, unless
// required, when it fails instead. Nothing is downloaded but the locked
// packages (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set).
func NPMProject(t testing.TB, src string, required bool, files ...string) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if required {
				t.Fatalf("%s is missing: %v", tool, err)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
	dir := t.TempDir()
	for _, name := range append([]string{"package.json", "package-lock.json"}, files...) {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	start := time.Now()
	npm := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error")
	npm.Dir = dir
	npm.Env = append(os.Environ(), "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1")
	if b, err := npm.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", src, err, b)
	}
	t.Logf("npm ci: %v", time.Since(start).Round(time.Millisecond))
	return dir
}
