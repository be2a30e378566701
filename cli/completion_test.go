package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// buildBerth builds the berth binary for tests that run it as users do (in
// a shell, in a terminal).
func buildBerth(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "berth")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/berth-dev/berth").CombinedOutput(); err != nil {
		t.Fatalf("go build berth: %v\n%s", err, out)
	}
	return bin
}

// TestCompletionBash loads `berth completion bash` into a real bash and asks
// it to complete command names, subcommands and flags.
func TestCompletionBash(t *testing.T) {
	bin := buildBerth(t)
	complete := func(words ...string) []string {
		t.Helper()
		script := `source <(berth completion bash)
COMP_WORDS=(` + strings.Join(words, " ") + `); COMP_CWORD=$((${#COMP_WORDS[@]}-1))
_berth_complete; printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script)
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{[]string{"berth", "bun"}, "bundle"},
		{[]string{"berth", "bundle", "sa"}, "save"},
		{[]string{"berth", "install", "--crea"}, "--create-namespace"},
		{[]string{"berth", "diff", "up"}, "upgrade"},
		{[]string{"berth", "template", "x", "--post-renderer-a"}, "--post-renderer-args"},
		{[]string{"berth", "status", "--kube-cont"}, "--kube-context"}, // global flags after the command
	} {
		got := complete(tc.words...)
		if len(got) != 1 || got[0] != tc.want {
			t.Errorf("completing %q: got %q, want %q", strings.Join(tc.words, " "), got, tc.want)
		}
	}
	// `--<TAB>`: the long flags (urfave alone offers nothing after "--").
	flags := complete("berth", "install", "--")
	if !slices.Contains(flags, "--create-namespace") || !slices.Contains(flags, "--kube-context") {
		t.Errorf("completing berth install --: %q", flags)
	}
	for _, f := range flags {
		if !strings.HasPrefix(f, "--") {
			t.Errorf("completing berth install --: %q offers %s", flags, f)
		}
	}
}

// TestCompletionScripts: every shell's script asks berth itself and parses
// in its shell (what each offers is tested in real shells:
// TestCompletionInRealBash, …Zsh, …Fish).
func TestCompletionScripts(t *testing.T) {
	fish := runHelp(t, "completion", "fish")
	if !strings.Contains(fish, "complete -c berth ") || !strings.Contains(fish, "--generate-bash-completion") {
		t.Errorf("fish completion:\n%s", fish)
	}
	if out, err := exec.Command("fish", "--no-config", "-n", "-c", fish).CombinedOutput(); err != nil {
		t.Errorf("fish -n: %v\n%s", err, out)
	}
	zsh := runHelp(t, "completion", "zsh")
	if !strings.HasPrefix(zsh, "#compdef berth\n") || !strings.Contains(zsh, "--generate-bash-completion") {
		t.Errorf("zsh completion:\n%s", zsh)
	}
	if out, err := exec.Command("zsh", "-n", "-c", zsh).CombinedOutput(); err != nil {
		t.Errorf("zsh -n: %v\n%s", err, out)
	}
	if out, err := exec.Command("bash", "-n", "-c", runHelp(t, "completion", "bash")).CombinedOutput(); err != nil {
		t.Errorf("bash -n: %v\n%s", err, out)
	}
}
