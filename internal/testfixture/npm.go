package testfixture

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// Node is a running Node script of an NPMProject.
type Node struct {
	cmd    *exec.Cmd
	lines  *bufio.Scanner
	stderr strings.Builder
}

// StartNode runs `node script args…` in dir with env added to the
// process's; its standard output is read line by line (Lines).
func StartNode(t testing.TB, ctx context.Context, dir string, env []string, script string, args ...string) *Node {
	t.Helper()
	n := &Node{cmd: exec.CommandContext(ctx, "node", append([]string{script}, args...)...)}
	n.cmd.Dir = dir
	n.cmd.Env = append(os.Environ(), env...)
	n.cmd.Stderr = &n.stderr
	out, err := n.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n.lines = bufio.NewScanner(out)
	n.lines.Buffer(nil, 1<<22)
	return n
}

// Lines reads the script's output: each Scan is one line (Bytes, Text).
func (n *Node) Lines() *bufio.Scanner { return n.lines }

// Wait waits for the script to end (read Lines to the end first); the
// error carries what it wrote on standard error.
func (n *Node) Wait() error {
	if err := n.cmd.Wait(); err != nil {
		return fmt.Errorf("%s: %w\n%s", n.cmd.Args[1], err, n.stderr.String())
	}
	return nil
}
