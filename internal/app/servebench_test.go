package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/teslafleet/teslafleet/internal/fleet"
	"github.com/teslafleet/teslafleet/internal/store"
)

// BenchmarkServeFleet10k runs `teslafleet serve` and `teslafleet sim
// --fleet-size 10000` as separate processes. The simulator runs 60× faster
// than real time and serve polls every product every 10 s (the
// integration's 10 minutes, scaled the same way), so one real minute is a
// simulated hour of polling. It reports serve's CPU seconds per simulated
// hour, its peak RSS, and how long setting up 10,000 vehicles took.
//
//	go test ./internal/app -run '^$' -bench ServeFleet10k -benchtime 1x
func BenchmarkServeFleet10k(b *testing.B) {
	const fleetSize, speed = 10_000, 60
	dir := b.TempDir()
	bin := filepath.Join(dir, "teslafleet")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/teslafleet").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	for b.Loop() {
		cfgPath := filepath.Join(dir, "sim.yaml")
		simOut := &lockedBuffer{}
		simCmd := exec.Command(bin, "sim", "--listen", "127.0.0.1:0", "--fleet-size", strconv.Itoa(fleetSize),
			"--speed", strconv.Itoa(speed), "--config-out", cfgPath)
		simCmd.Stdout, simCmd.Stderr = simOut, simOut
		if err := simCmd.Start(); err != nil {
			b.Fatal(err)
		}
		defer simCmd.Process.Kill()
		authURL := benchWait(b, simOut, regexp.MustCompile(`OAuth: +(http://\S+)/oauth2/v3/authorize`))
		benchWait(b, simOut, regexp.MustCompile(`Config: `))

		// The account, signed in out of band (the simulator mints the token).
		dataDir := filepath.Join(dir, "data")
		os.RemoveAll(dataDir)
		benchSeedAccount(b, authURL, dataDir)
		cfg, _ := os.ReadFile(cfgPath)
		text := strings.Replace(string(cfg), "  interval: 0s", "  interval: 10s", 1)
		text = regexp.MustCompile(`(?m)^data_dir: .*$`).ReplaceAllString(text, "data_dir: "+dataDir)
		text = regexp.MustCompile(`(?m)^  level: info$`).ReplaceAllString(text, "  level: error")
		if err := os.WriteFile(cfgPath, []byte(text), 0o600); err != nil {
			b.Fatal(err)
		}

		serveOut := &lockedBuffer{}
		serve := exec.Command(bin, "serve", "--config", cfgPath, "--listen", "127.0.0.1:0", "--api-token", "bench-api-token-0123456")
		serve.Stdout, serve.Stderr = serveOut, serveOut
		start := time.Now()
		if err := serve.Start(); err != nil {
			b.Fatal(err)
		}
		benchWait(b, serveOut, regexp.MustCompile(`REST API at`))
		setup := time.Since(start)
		cpu0 := procCPU(b, serve.Process.Pid)
		time.Sleep(time.Minute) // one simulated hour
		cpu := procCPU(b, serve.Process.Pid) - cpu0
		rss := procPeakRSS(b, serve.Process.Pid)
		serve.Process.Signal(os.Interrupt)
		serve.Wait()
		simCmd.Process.Kill()
		simCmd.Wait()
		b.ReportMetric(cpu.Seconds(), "serve-cpu-s/sim-hour")
		b.ReportMetric(float64(rss)/(1<<20), "serve-peak-rss-MB")
		b.ReportMetric(setup.Seconds(), "setup-s")
		if m := regexp.MustCompile(`(\d+) entities`).FindStringSubmatch(serveOut.String()); m != nil {
			n, _ := strconv.Atoi(m[1])
			b.ReportMetric(float64(n), "entities")
		}
	}
}

func benchWait(b *testing.B, out *lockedBuffer, re *regexp.Regexp) string {
	b.Helper()
	return waitMatchFor(b, out, re, 5*time.Minute)
}

// benchSeedAccount stores a token minted by the simulator, as login would.
func benchSeedAccount(b *testing.B, authURL, dataDir string) {
	b.Helper()
	resp, err := http.Post(authURL+"/_sim/tokens", "application/json", bytes.NewReader([]byte(`{"account":"owner@example.com"}`)))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		ExpiresIn    int    `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil {
		b.Fatal(err)
	}
	claims, err := fleet.ParseClaims(tok.AccessToken)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{Dir: dataDir})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if err := st.SaveAccount(ctx, store.Account{ID: claims.Subject, Region: claims.OUCode, Scopes: claims.Scopes}); err != nil {
		b.Fatal(err)
	}
	if err := st.SaveToken(ctx, claims.Subject, store.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, TokenType: "Bearer",
		Expiry: time.Now().Add(time.Duration(tok.ExpiresIn) * time.Second)}); err != nil {
		b.Fatal(err)
	}
}

// procCPU is a process's user plus system CPU time (Linux).
func procCPU(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

// procPeakRSS is a process's peak resident set size in bytes (Linux).
func procPeakRSS(b *testing.B, pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindStringSubmatch(string(raw))
	if m == nil {
		b.Fatal("no VmHWM")
	}
	kb, _ := strconv.ParseInt(m[1], 10, 64)
	return kb << 10
}
