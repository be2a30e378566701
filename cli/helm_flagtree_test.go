package cli

import (
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/tools"
)

// TestHelmFlagTree walks the Helm v3.22.0 oracle's command tree (`helm CMD
// --help`, recursively) and berth's, and lists every command and flag berth
// lacks on the matching command. Each must be justified by a row of the
// table in docs/helm-parity.md, and each row must still be missing (a row
// for something berth now has is stale and fails too).
func TestHelmFlagTree(t *testing.T) {
	helm := tools.NewHelm(t)
	app := newApp(Build{}, strings.NewReader(""), io.Discard, io.Discard)

	root := parseHelmHelp(t, helm.MustRun(t, "--help"))
	var missing []string
	// Helm's persistent flags: berth must have them globally.
	for _, f := range root.flags {
		if f.long == "help" {
			continue
		}
		if findFlag(app.Flags, f.long) == nil {
			missing = append(missing, "--"+f.long)
		} else if f.short != "" && findFlag(app.Flags, f.short) == nil {
			missing = append(missing, "-"+f.short)
		}
	}
	var walk func(path []string, cmds []*ucli.Command, subs []string)
	walk = func(path []string, cmds []*ucli.Command, subs []string) {
		for _, name := range subs {
			p := append(slices.Clone(path), name)
			key := strings.Join(p, " ")
			bc := commandNamed(cmds, name)
			if bc == nil {
				missing = append(missing, key)
				continue
			}
			h := parseHelmHelp(t, helm.MustRun(t, append(p, "--help")...))
			// berth's command sees its own flags and (addCommandGlobals)
			// hidden copies of the global ones.
			for _, f := range append(h.flags, h.globals...) {
				if f.long == "help" {
					continue
				}
				isGlobal := slices.Contains(h.globals, f)
				if findFlag(bc.Flags, f.long) == nil {
					if !isGlobal || findFlag(app.Flags, f.long) != nil {
						missing = append(missing, key+" --"+f.long)
					}
					continue
				}
				if f.short != "" && findFlag(bc.Flags, f.short) == nil {
					missing = append(missing, key+" -"+f.short)
				}
			}
			walk(p, bc.Subcommands, h.commands)
		}
	}
	walk(nil, app.Commands, root.commands)

	justified := parityRows(t)
	for _, m := range missing {
		if _, ok := justified[m]; !ok {
			t.Errorf("berth lacks helm's %q: add it, or justify it in a row of docs/helm-parity.md", m)
		}
	}
	for row := range justified {
		if !slices.Contains(missing, row) {
			t.Errorf("docs/helm-parity.md justifies %q, which berth has now (or helm v3.22.0 does not have): remove the row", row)
		}
	}
	if len(missing) < 5 {
		// The walk itself must have worked: berth lacks plugins at least.
		t.Fatalf("only %d entries found: %v", len(missing), missing)
	}
	t.Logf("%d helm commands/flags berth does not have, each justified", len(missing))
}

func commandNamed(cmds []*ucli.Command, name string) *ucli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

type helmFlag struct{ long, short string }

type helmHelp struct {
	commands []string
	flags    []helmFlag // "Flags:" (the root's are Helm's global flags)
	globals  []helmFlag // "Global Flags:"
}

var (
	helmCommandLine = regexp.MustCompile(`^  ([a-z][a-z0-9-]*)\s{2,}`)
	helmFlagLine    = regexp.MustCompile(`^\s{2,6}(?:-([A-Za-z0-9]), )?--([a-z0-9][a-z0-9-]*)`)
)

// parseHelmHelp reads cobra's help sections: "Available Commands:",
// "Flags:" and "Global Flags:".
func parseHelmHelp(t *testing.T, text string) helmHelp {
	t.Helper()
	var h helmHelp
	section := ""
	for _, line := range strings.Split(text, "\n") {
		if line != "" && line[0] != ' ' {
			section = strings.TrimSpace(line)
			continue
		}
		switch section {
		case "Available Commands:":
			if m := helmCommandLine.FindStringSubmatch(line); m != nil && m[1] != "help" {
				h.commands = append(h.commands, m[1])
			}
		case "Flags:", "Global Flags:":
			m := helmFlagLine.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			f := helmFlag{long: m[2], short: m[1]}
			if section == "Flags:" {
				h.flags = append(h.flags, f)
			} else {
				h.globals = append(h.globals, f)
			}
		}
	}
	if len(h.flags) == 0 {
		t.Fatalf("no flags parsed from helm help:\n%s", text)
	}
	return h
}

// parityRows reads the "| `entry` | why |" rows of docs/helm-parity.md.
func parityRows(t *testing.T) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "docs", "helm-parity.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `([^`]+)` \\| (.+) \\|$")
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if m := row.FindStringSubmatch(line); m != nil {
			if strings.TrimSpace(m[2]) == "" {
				t.Errorf("docs/helm-parity.md: %q has no reason", m[1])
			}
			out[m[1]] = m[2]
		}
	}
	return out
}
