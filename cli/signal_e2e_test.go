package cli_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/cli"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// berthBinary builds the real berth once per test binary: signals are only
// real in a real process.
func berthBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "berth-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "berth")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/berth-dev/berth").CombinedOutput()
		if err != nil {
			binErr = errors.New(err.Error() + "\n" + string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// runawayChart writes a chart whose template never ends on its own.
func runawayChart(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "runaway")
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"Chart.yaml":          "apiVersion: v2\nname: runaway\nversion: 0.1.0\n",
		"templates/loop.yaml": "{{- range $i := until 2000000000 }}{{ $i }}{{ end }}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// SIGINT and SIGTERM stop a runaway render: exit 130, one line, no
// temporary files left.
func TestInterruptExits130(t *testing.T) {
	bin := berthBinary(t)
	chart := runawayChart(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			tmp := t.TempDir()
			var stderr bytes.Buffer
			cmd := exec.Command(bin, "template", "r", chart)
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitBusy(t, cmd.Process.Pid)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("berth still running 30s after %v", sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != cli.ExitInterrupted {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, cli.ExitInterrupted, stderr.String())
			}
			if got := stderr.String(); got != cli.InterruptedMessage+"\n" {
				t.Errorf("stderr %q, want the one line %q", got, cli.InterruptedMessage)
			}
			left, err := os.ReadDir(tmp)
			if err != nil {
				t.Fatal(err)
			}
			if len(left) != 0 {
				t.Errorf("%d temporary files left in TMPDIR, first %s", len(left), left[0].Name())
			}
		})
	}
}

// waitBusy waits until process pid has used half a second of CPU: past its
// start (a signal before main's handler would kill it) and into the loop.
func waitBusy(t *testing.T, pid int) {
	t.Helper()
	for range 600 {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			t.Fatal(err)
		}
		// Fields after the parenthesised command name; utime and stime
		// are the 14th and 15th fields, in clock ticks (100 a second).
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		utime, _ := strconv.Atoi(f[11])
		stime, _ := strconv.Atoi(f[12])
		if utime+stime >= 50 {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("berth never got busy")
}

// `berth help NAME` for an unknown NAME is an error, as `berth NAME` is.
func TestUnknownCommandExits1(t *testing.T) {
	for _, args := range [][]string{{"nosuchcmd"}, {"help", "nosuchcmd"}, {"h", "nosuchcmd"}} {
		var stdout, stderr bytes.Buffer
		argv := append([]string{"berth"}, args...)
		code := cli.Run(t.Context(), argv, cli.Build{}, nil, &stdout, &stderr)
		if code != 1 || !bytes.Contains(stderr.Bytes(), []byte(`unknown command "nosuchcmd"`)) {
			t.Errorf("%v: exit %d, stderr %q; want 1 and an unknown command error", args, code, stderr.String())
		}
	}
}
