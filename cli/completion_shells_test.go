package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/creack/pty"

	"github.com/berth-dev/berth/testcluster"
)

// unreachableKubeconfig writes a kubeconfig with three contexts (one
// named with colons, as EKS names them) whose cluster does not answer, so releases and namespaces complete to nothing
// (and quickly).
func unreachableKubeconfig(t *testing.T) string {
	t.Helper()
	kubeconfig := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: x}}]
contexts: [{name: alpha-ctx, context: {cluster: c, user: u}}, {name: beta, context: {cluster: c, user: u}},
  {name: "arn:eks:prod", context: {cluster: c, user: u}}]
current-context: beta
`), 0o600); err != nil {
		t.Fatal(err)
	}
	return kubeconfig
}

// zshLines types each line into an interactive zsh on a terminal, with
// `berth completion zsh` installed in fpath as the README says and
// compinit loaded; each line is then turned into `echo Lk: …` (Ctrl-A,
// k counting from 1). It returns what zsh holds on each line and the
// terminal output after typing it (the completion listings).
func zshLines(t *testing.T, bin, kubeconfig string, lines ...string) (held, shown []string) {
	t.Helper()
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Fatal("zsh not installed")
	}
	fpath := t.TempDir()
	script, err := exec.Command(bin, "completion", "zsh").Output()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fpath, "_berth"), script, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("zsh", "-f", "-i")
	cmd.Dir = t.TempDir() // no file names to fall back on
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "PS1=$ ", "HOME="+t.TempDir(),
		"KUBECONFIG="+kubeconfig, "TERM=dumb")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	input := "fpath=(" + fpath + " $fpath); bindkey -e; autoload -Uz compinit; compinit -u -D\n"
	for i, l := range lines {
		input += fmt.Sprintf("%s\x01echo L%d: \n", l, i+1)
	}
	input += "exit\n"
	go func() { _, _ = f.Write([]byte(input)) }()
	var out bytes.Buffer
	if _, err := io.Copy(&out, f); err != nil && !errors.Is(err, syscall.EIO) {
		t.Fatalf("read terminal: %v", err)
	}
	_ = cmd.Wait()
	term := out.String()
	rest := term
	for i := range lines {
		// The echo's output line (the typed line reads "echo Lk: …").
		m := regexp.MustCompile(`[\r\n]L` + fmt.Sprint(i+1) + `: ([^\r\n]*?)\s*\r?\n`).FindStringSubmatchIndex(rest)
		if m == nil {
			t.Fatalf("line %d (%q) not echoed; terminal:\n%q", i+1, lines[i], term)
		}
		held = append(held, rest[m[2]:m[3]])
		shown = append(shown, rest[:m[0]])
		rest = rest[m[1]:]
	}
	return held, shown
}

// fishComplete asks a real fish, with `berth completion fish` sourced, for
// the candidates of line (`complete -C`, as fish completes a TAB), run in
// dir; it returns the candidates without their descriptions.
func fishComplete(t *testing.T, bin, kubeconfig, dir, line string) []string {
	t.Helper()
	if _, err := exec.LookPath("fish"); err != nil {
		t.Fatal("fish not installed")
	}
	cmd := exec.Command("fish", "--no-config", "-c", "berth completion fish | source; complete -C "+fishQuote(line))
	cmd.Dir = dir
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_DATA_HOME="+filepath.Join(home, ".data"), "KUBECONFIG="+kubeconfig)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fish: %v\n%s", err, out)
	}
	var got []string
	for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if l != "" {
			name, _, _ := strings.Cut(l, "\t")
			got = append(got, name)
		}
	}
	return got
}

func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// TestCompletionInRealZsh types into an interactive zsh on a terminal:
// commands and subcommands complete, a common prefix stops where the
// candidates differ, a complete flag is not rewritten into a longer one,
// `--<TAB>` lists the flags, --kube-context completes the kubeconfig's
// contexts (colons and all), an unreachable cluster gives nothing, and the help command is
// never offered.
func TestCompletionInRealZsh(t *testing.T) {
	bin := buildBerth(t)
	held, shown := zshLines(t, bin, unreachableKubeconfig(t),
		"berth inst\t",
		"berth install --wa\t\t",
		"berth install --wait\t",
		"berth bundle sa\t",
		"berth install --create-n\t",
		"berth status --kube-context al\t",
		"berth status web --kube-cont\t",
		"berth h\t",
		"berth upgrade \t",
		"berth install --\t",
		"berth status -n \t",
		"berth \t",
		"berth status --kube-context arn\t",
	)
	want := []string{
		"berth install",
		"berth install --wait",
		"berth install --wait",
		"berth bundle save",
		"berth install --create-namespace",
		"berth status --kube-context alpha-ctx",
		"berth status web --kube-context",
		"berth history", // the only candidate: help is never offered
		"berth upgrade", // the cluster does not answer, no files here: nothing
		"berth install --",
		"berth status -n", // likewise
		"berth",
		"berth status --kube-context arn:eks:prod", // the colons are not descriptions
	}
	for i := range want {
		if held[i] != want[i] {
			t.Errorf("L%d: zsh holds %q, want %q", i+1, held[i], want[i])
		}
	}
	// The listings: both --wait flags, and every long flag after `--`.
	if !regexp.MustCompile(`--wait +--wait-for-jobs`).MatchString(shown[1]) {
		t.Errorf("berth install --wa<TAB><TAB> listed no --wait and --wait-for-jobs:\n%q", shown[1])
	}
	for _, flag := range []string{"--create-namespace", "--post-renderer-args", "--kube-context", "--wait-for-jobs"} {
		if !strings.Contains(shown[9], flag) {
			t.Errorf("berth install --<TAB> did not list %s:\n%q", flag, shown[9])
		}
	}
	if strings.Contains(shown[9], " -n ") {
		t.Errorf("berth install --<TAB> listed short flags:\n%q", shown[9])
	}
	for _, c := range []string{"install", "upgrade", "bundle", "completion"} {
		if !strings.Contains(shown[11], c) {
			t.Errorf("berth <TAB> did not list %s:\n%q", c, shown[11])
		}
	}
	if regexp.MustCompile(`(^|\s)(help|h)(\s|$)`).MatchString(shown[11]) {
		t.Errorf("berth <TAB> listed help:\n%q", shown[11])
	}
}

// TestCompletionInRealFish asks a real fish for completions as it does on
// TAB: every command (never help or h, never files), flags after `--`, a
// complete flag stays a candidate (so fish keeps it as typed),
// --kube-context the kubeconfig's contexts, and files only when berth has
// nothing (an unreachable cluster).
func TestCompletionInRealFish(t *testing.T) {
	bin := buildBerth(t)
	kubeconfig := unreachableKubeconfig(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "values.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	complete := func(line string) []string { return fishComplete(t, bin, kubeconfig, dir, line) }

	cmds := complete("berth ")
	for path, c := range commandPaths() {
		if name := strings.Fields(path)[0]; !c.Hidden && !slices.Contains(cmds, name) {
			t.Errorf("berth <TAB>: %q lacks %s", cmds, name)
		}
	}
	for _, c := range []string{"help", "h", "values.yaml"} {
		if slices.Contains(cmds, c) {
			t.Errorf("berth <TAB>: %q offers %s", cmds, c)
		}
	}
	flags := complete("berth install --")
	for _, f := range []string{"--create-namespace", "--post-renderer-args", "--kube-context", "--wait"} {
		if !slices.Contains(flags, f) {
			t.Errorf("berth install --<TAB>: %q lacks %s", flags, f)
		}
	}
	for _, f := range flags {
		if !strings.HasPrefix(f, "--") {
			t.Errorf("berth install --<TAB>: %q offers %s", flags, f)
		}
	}
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"berth h", []string{"history"}},
		{"berth bundle sa", []string{"save"}},
		{"berth install --wa", []string{"--wait", "--wait-for-jobs"}},
		{"berth install --wait", []string{"--wait", "--wait-for-jobs"}}, // --wait is kept: it is a candidate
		{"berth install --create-n", []string{"--create-namespace"}},
		{"berth status --kube-context al", []string{"alpha-ctx"}},
		{"berth status --kube-context ", []string{"alpha-ctx", "arn:eks:prod", "beta"}},
		{"berth status --kube-context ar", []string{"arn:eks:prod"}},
		{"berth status web --kube-cont", []string{"--kube-context"}},
		{"berth upgrade ", []string{"values.yaml"}},   // the cluster does not answer: files
		{"berth status -n ", []string{"values.yaml"}}, // likewise
	} {
		if got := complete(tc.line); !slices.Equal(got, tc.want) {
			t.Errorf("%s<TAB>: fish offers %q, want %q", tc.line, got, tc.want)
		}
	}
}

// TestCompletionLiveInShells: on a real control plane, the release
// commands complete the releases and -n the namespaces in bash, zsh and
// fish.
func TestCompletionLiveInShells(t *testing.T) {
	bin := buildBerth(t)
	cluster, err := testcluster.Start(t.Context(), testcluster.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Stop)
	const ns = "completion-live"
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := cluster.WriteKubeconfig(kubeconfig, ns); err != nil {
		t.Fatal(err)
	}
	chart, _ := filepath.Abs("../examples/hello")
	for _, r := range []string{"web-a", "web-b"} {
		cmd := exec.Command(bin, "install", r, chart, "--create-namespace")
		cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("berth install %s: %v\n%s", r, err, out)
		}
	}
	dir := t.TempDir()

	// bash
	bash := func(words string) []string {
		t.Helper()
		script := "source <(berth completion bash)\nCOMP_WORDS=(" + words + "); COMP_CWORD=$((${#COMP_WORDS[@]}-1))\n" +
			"_berth_complete; printf '%s\\n' \"${COMPREPLY[@]}\""
		cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+":"+os.Getenv("PATH"), "KUBECONFIG="+kubeconfig)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	for _, tc := range []struct {
		words string
		want  []string
	}{
		{`berth upgrade ""`, []string{"web-a", "web-b"}},
		{`berth uninstall web-`, []string{"web-a", "web-b"}},
		{`berth status -n completion-l`, []string{ns}},
	} {
		if got := bash(tc.words); !slices.Equal(got, tc.want) {
			t.Errorf("bash %s<TAB>: %q, want %q", tc.words, got, tc.want)
		}
	}

	// fish
	for _, tc := range []struct {
		line string
		want []string
	}{
		{"berth upgrade ", []string{"web-a", "web-b"}},
		{"berth history web-b", []string{"web-b"}},
		{"berth status -n completion-l", []string{ns}},
	} {
		if got := fishComplete(t, bin, kubeconfig, dir, tc.line); !slices.Equal(got, tc.want) {
			t.Errorf("fish %s<TAB>: %q, want %q", tc.line, got, tc.want)
		}
	}
	if got := fishComplete(t, bin, kubeconfig, dir, "berth status -n "); !slices.Contains(got, ns) || !slices.Contains(got, "default") {
		t.Errorf("fish berth status -n <TAB>: %q, want the namespaces", got)
	}

	// zsh, on a terminal
	held, shown := zshLines(t, bin, kubeconfig,
		"berth upgrade \t",
		"berth upgrade web-\t",
		"berth status -n completion-l\t",
	)
	for i, want := range []string{"berth upgrade web-", "berth upgrade web-", "berth status -n " + ns} {
		if held[i] != want {
			t.Errorf("zsh L%d: holds %q, want %q", i+1, held[i], want)
		}
	}
	if !regexp.MustCompile(`web-a +web-b`).MatchString(shown[1]) {
		t.Errorf("zsh berth upgrade web-<TAB> listed no web-a and web-b:\n%q", shown[1])
	}
}
