package cli

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	ucli "github.com/urfave/cli/v2"
)

// commandPaths walks the app's command tree, so commands added later are
// covered without editing this test.
func commandPaths() map[string]*ucli.Command {
	out := map[string]*ucli.Command{}
	var walk func(prefix string, cmds []*ucli.Command)
	walk = func(prefix string, cmds []*ucli.Command) {
		for _, c := range cmds {
			if c.Name == "help" {
				continue
			}
			path := strings.TrimSpace(prefix + " " + c.Name)
			out[path] = c
			walk(path, c.Subcommands)
		}
	}
	walk("", newApp(Build{}, nil, &bytes.Buffer{}, &bytes.Buffer{}).Commands)
	return out
}

func runHelp(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), append([]string{"berth"}, args...), Build{Version: "test"}, nil, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("berth %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// TestHelpEveryCommand runs `--help` of every command and subcommand and
// checks the one-line summary, the usage line and the examples, and that
// every example names only commands and flags that exist.
func TestHelpEveryCommand(t *testing.T) {
	paths := commandPaths()
	if len(paths) < 40 {
		t.Fatalf("walked only %d commands", len(paths))
	}
	for path, cmd := range paths {
		t.Run(strings.ReplaceAll(path, " ", "_"), func(t *testing.T) {
			out := runHelp(t, append(strings.Fields(path), "--help")...)
			if cmd.Usage == "" || strings.Contains(cmd.Usage, "\n") {
				t.Errorf("summary %q: want one line", cmd.Usage)
			}
			if !strings.Contains(out, "NAME:\n   berth "+path+" - "+cmd.Usage) {
				t.Errorf("help lacks the NAME line with the summary:\n%s", out)
			}
			if !regexp.MustCompile(`USAGE:\n   berth ` + regexp.QuoteMeta(path) + `( |\n)`).MatchString(out) {
				t.Errorf("help lacks the USAGE line:\n%s", out)
			}
			_, ex, ok := strings.Cut(out, "\nEXAMPLES:\n")
			if !ok || strings.TrimSpace(ex) == "" {
				t.Fatalf("help has no examples (add them to helpExamples):\n%s", out)
			}
			checkExamples(t, paths, ex)
		})
	}
	// The root help: groups, exit codes, environment.
	out := runHelp(t, "--help")
	for _, want := range []string{"Chart:", "Registry:", "Release:", "Bundle:", "EXIT CODES:", "2  differences found",
		"ENVIRONMENT:", "BERTH_NAMESPACE", "NO_COLOR", "DOCKER_CONFIG", "KUBECONFIG", "EXAMPLES:"} {
		if !strings.Contains(out, want) {
			t.Errorf("berth --help lacks %q", want)
		}
	}
	last := -1
	for _, g := range []string{"   Chart:", "   Registry:", "   Release:", "   Bundle:", "   Other:"} {
		i := strings.Index(out, g)
		if i < last {
			t.Errorf("berth --help: group %q out of order", g)
		}
		last = i
	}
	for path, c := range paths {
		if !strings.Contains(path, " ") && !strings.Contains(out, "\n     "+strings.Join(c.Names(), ", ")+"  ") {
			t.Errorf("berth --help does not list %s", path)
		}
		if !strings.Contains(path, " ") && c.Category == "" {
			t.Errorf("berth %s has no group (Category)", path)
		}
	}
	// `berth help CMD` renders too (urfave renders it before setting up CMD).
	if out := runHelp(t, "help", "bundle"); !strings.Contains(out, "save") || !strings.Contains(out, "EXAMPLES:") {
		t.Errorf("berth help bundle:\n%s", out)
	}
}

// checkExamples: each "berth …" example line runs a command that exists and
// uses only flags that command (or the app) defines.
func checkExamples(t *testing.T, paths map[string]*ucli.Command, ex string) {
	t.Helper()
	globals := map[string]bool{}
	for _, f := range globalFlags() {
		for _, n := range f.Names() {
			globals[n] = true
		}
	}
	for _, line := range strings.Split(ex, "\n") {
		line = strings.TrimSpace(line)
		i := strings.Index(line, "berth ")
		if i < 0 {
			continue
		}
		// The example's berth command ends at a comment or a shell operator.
		words := strings.Fields(regexp.MustCompile(`#|\|\||&&|[;|<>]`).Split(line[i:], 2)[0])[1:]
		var cmd *ucli.Command
		path := ""
		for len(words) > 0 {
			next := strings.TrimSpace(path + " " + words[0])
			c, ok := paths[next]
			if !ok {
				break
			}
			cmd, path, words = c, next, words[1:]
		}
		if cmd == nil && len(words) > 0 && (strings.HasPrefix(words[0], "-") || words[0] == strings.ToUpper(words[0])) {
			continue // berth --help, berth COMMAND --help
		}
		if cmd == nil {
			t.Errorf("example %q runs no berth command", line)
			continue
		}
		defined := map[string]bool{}
		for _, f := range cmd.Flags {
			for _, n := range f.Names() {
				defined[n] = true
			}
		}
		for _, w := range words {
			if !strings.HasPrefix(w, "-") || w == "-" || w == "--" {
				continue
			}
			n := strings.SplitN(strings.TrimLeft(w, "-"), "=", 2)[0]
			if !defined[n] && !globals[n] && n != "help" && n != "h" {
				t.Errorf("example %q: berth %s has no flag -%s", line, path, n)
			}
		}
	}
}

// TestUsageErrors: an unknown command or flag is Helm's error line (the flag
// as typed), "Did you mean this?" when something is close, and the help to
// read; exit code 1, no help text dumped. TestUnknownMatchesHelm compares
// the first line with the oracle's.
func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"nosuch"}, "Error: unknown command \"nosuch\" for \"berth\"\nRun 'berth --help' for usage."},
		{[]string{"instal"}, "Error: unknown command \"instal\" for \"berth\"\n\nDid you mean this?\n\tinstall\n\nRun 'berth --help' for usage."},
		{[]string{"bundle", "nosuch"}, "Error: unknown command \"nosuch\" for \"berth bundle\"\nRun 'berth bundle --help' for usage."},
		{[]string{"install", "--bogus"}, "Error: unknown flag: --bogus\nRun 'berth install --help' for usage."},
		{[]string{"install", "--wiat", "x", "y"}, "Error: unknown flag: --wiat\n\nDid you mean this?\n\t--wait\n\nRun 'berth install --help' for usage."},
		{[]string{"install", "x", "y", "--wiat=1"}, "Error: unknown flag: --wiat\n\nDid you mean this?\n\t--wait\n\nRun 'berth install --help' for usage."},
		{[]string{"template", "x", "y", "--relase-name"}, "Error: unknown flag: --relase-name\n\nDid you mean this?\n\t--release-name\n\nRun 'berth template --help' for usage."},
		{[]string{"get", "metdata"}, "Error: unknown command \"metdata\" for \"berth get\"\n\nDid you mean this?\n\tmetadata\n\nRun 'berth get --help' for usage."},
		{[]string{"--bogus", "list"}, "Error: unknown flag: --bogus\nRun 'berth --help' for usage."},
	} {
		code, out, errOut := runStdin(t, "", c.args...)
		if code != 1 || strings.TrimSpace(errOut) != c.want || out != "" {
			t.Errorf("berth %s: exit %d\nstdout %q\nstderr %q\nwant exit 1 and %q", strings.Join(c.args, " "), code, out, errOut, c.want)
		}
	}
	if code, out, _ := runStdin(t, "", "bundle"); code != 0 || !strings.Contains(out, "EXAMPLES:") {
		t.Errorf("bare berth bundle: exit %d, want its help\n%s", code, out)
	}
}
