package deployer_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/berth-dev/berth/testcluster"
)

// lockedBuffer is stderr written by a process while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// SIGINT or SIGTERM during an upgrade: berth exits 130 with one error line,
// and the revision is recorded failed as cancelled (read back by helm).
func TestCLIInterruptedUpgradeExits130(t *testing.T) {
	env := testcluster.NewEnv(t)
	bin := berthBinary(t)
	chart := filepath.Join("testdata", "demo")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		name := "k-" + strings.ToLower(sig.String()[:3]) + "-" + strconv.Itoa(int(sig))
		mustBerth(t, env, "install", name, chart)
		// The pre-upgrade Job can never be scheduled, so the upgrade hangs there.
		cmd := exec.Command(bin, "--kubeconfig", env.Kubeconfig, "upgrade", name, chart,
			"--set", "hooks.enabled=true,hooks.failPreUpgrade=true", "--timeout", "5m")
		stderr := &lockedBuffer{}
		cmd.Stderr = stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for !strings.Contains(stderr.String(), "running pre-upgrade hook") {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("upgrade never reached its hook: %s", stderr.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		errOut := stderr.String()
		if code := cmd.ProcessState.ExitCode(); code != 130 {
			t.Errorf("%v: exit %d, want 130\n%s", sig, code, errOut)
		}
		if !strings.HasSuffix(errOut, "Error: interrupted\n") || strings.Count(errOut, "Error") != 1 {
			t.Errorf("%v: stderr does not end with the one line Error: interrupted:\n%s", sig, errOut)
		}
		var hist []map[string]any
		if err := json.Unmarshal([]byte(helm(t, env, "history", name, "-o", "json")), &hist); err != nil {
			t.Fatal(err)
		}
		last := hist[len(hist)-1]
		if len(hist) != 2 || last["status"] != "failed" || last["description"] != `Release "`+name+`" has been cancelled` {
			t.Errorf("%v: helm history %v, want revision 2 failed, cancelled", sig, hist)
		}
	}
}
