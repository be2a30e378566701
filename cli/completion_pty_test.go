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
// one; --kube-context completes the kubeconfig's contexts (colons and all); the help
// command is never offered. Each completed line is then turned into `echo L: …` (Ctrl-A) so the
// test reads the line bash really holds.
func TestCompletionInRealBash(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash not installed")
	}
	bin := buildBerth(t)
	// The cluster is unreachable, so releases and namespaces complete to
	// nothing (and quickly).
	kubeconfig := unreachableKubeconfig(t)
	cmd := exec.Command("bash", "--norc", "--noprofile", "-i")
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "PS1=$ ", "HOME="+t.TempDir(),
		"KUBECONFIG="+kubeconfig, "INPUTRC=/dev/null")
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
		"berth status --kube-context al\t\x01echo L6: \n" +
		"berth get \t\t\x01echo L7: \n" +
		"berth status web --kube-cont\t\x01echo L8: \n" +
		"berth h\t\x01echo L9: \n" +
		"berth status --kube-context ar\t\x01echo L10: \n" +
		"berth status --kube-context arn:eks:p\t\x01echo L11: \n" +
		"exit\n"
	go func() { _, _ = f.Write([]byte(input)) }()
	var out bytes.Buffer
	if _, err := io.Copy(&out, f); err != nil && !errors.Is(err, syscall.EIO) {
		t.Fatalf("read terminal: %v", err)
	}
	_ = cmd.Wait()
	want := map[string]string{
		"L1":  "berth install",
		"L2":  "berth install --wait",
		"L3":  "berth install --wait",
		"L4":  "berth bundle save",
		"L5":  "berth install --create-namespace",
		"L6":  "berth status --kube-context alpha-ctx",
		"L7":  "berth get",
		"L8":  "berth status web --kube-context",
		"L9":  "berth history", // the only candidate: help is never offered
		"L10": "berth status --kube-context arn:eks:prod",
		"L11": "berth status --kube-context arn:eks:prod", // after a colon too
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
