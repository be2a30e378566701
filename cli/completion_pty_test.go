package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"

	"github.com/creack/pty"
)

// TestCompletionInRealBash types into an interactive bash on a terminal,
// as a user does: `berth completion bash` is sourced, TAB completes
// commands, subcommands and flags, a common prefix stops where the
// candidates differ, and a complete flag is not rewritten into a longer
// one. Each completed line is then turned into `echo L: …` (Ctrl-A) so the
// test reads the line bash really holds.
func TestCompletionInRealBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash not installed")
	}
	bin := buildBerth(t)
	cmd := exec.Command("bash", "--norc", "--noprofile", "-i")
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "PS1=$ ", "HOME="+t.TempDir(),
		"KUBECONFIG="+filepath.Join(t.TempDir(), "none"), "INPUTRC=/dev/null")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	input := "source <(berth completion bash)\n" +
		"berth inst\t\x01echo L1: \n" +
		"berth install --wa\t\t\x01echo L2: \n" +
		"berth install --wait\t\x01echo L3: \n" +
		"berth bundle sa\t\x01echo L4: \n" +
		"berth install --create-n\t\x01echo L5: \n" +
		"exit\n"
	go func() { _, _ = f.Write([]byte(input)) }()
	var out bytes.Buffer
	if _, err := io.Copy(&out, f); err != nil && !errors.Is(err, syscall.EIO) {
		t.Fatalf("read terminal: %v", err)
	}
	_ = cmd.Wait()
	want := map[string]string{
		"L1": "berth install",
		"L2": "berth install --wait",
		"L3": "berth install --wait",
		"L4": "berth bundle save",
		"L5": "berth install --create-namespace",
	}
	for label, line := range want {
		// The echo's output line (the typed line reads "echo L1: …").
		m := regexp.MustCompile(`[\r\n]` + label + `: ([^\r\n]*?)\s*\r?\n`).FindStringSubmatch(out.String())
		if m == nil || m[1] != line {
			t.Errorf("%s: bash holds %q, want %q", label, m, line)
		}
	}
	if t.Failed() {
		t.Logf("terminal:\n%q", out.String())
	}
}
