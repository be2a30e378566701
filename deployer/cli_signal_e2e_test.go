package deployer_test

import (
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/berth-dev/berth/testcluster"
)

// SIGINT or SIGTERM during an upgrade: berth exits 130 with one error line,
// and the revision is recorded failed as cancelled (read back by helm).
func TestCLIInterruptedUpgradeExits130(t *testing.T) {
	env := testcluster.NewEnv(t)
	bin := berthBinary(t)
	chart := filepath.Join("testdata", "demo")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		name := "k-" + strings.ToLower(sig.String()[:3]) + "-" + strconv.Itoa(int(sig))
		mustBerth(t, env, "install", name, chart)
		cmd, stderr := startUpgradeAtHook(t, env, bin, name, chart)
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
