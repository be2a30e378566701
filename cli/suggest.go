package cli

import (
	"fmt"
	"slices"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// One style for every unknown command or flag, Helm's first line and its
// "Did you mean this?" block, then where to read the usage:
//
//	Error: unknown flag: --wiat
//
//	Did you mean this?
//		--wait
//
//	Run 'berth install --help' for usage.

// rawArgsKey is the App.Metadata key holding the command line as typed, so
// that an unknown flag is named as the user wrote it (--wiat, not -wiat).
const rawArgsKey = "berth.rawArgs"

// unknownFlagError names typed (or, if the command line is not known, the
// flag the parser reported) and suggests the command's flags closest to it.
func unknownFlagError(app *ucli.App, path string, flags []ucli.Flag, name string) error {
	typed := "--" + name
	if len(name) == 1 {
		typed = "-" + name
	}
	if args, ok := app.Metadata[rawArgsKey].([]string); ok {
		for _, a := range args {
			if n, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); strings.HasPrefix(a, "-") && n == name {
				typed, _, _ = strings.Cut(a, "=")
				break
			}
		}
	}
	var names []string
	for _, f := range append(slices.Clone(flags), app.Flags...) {
		if vf, ok := f.(ucli.VisibleFlag); ok && !vf.IsVisible() {
			continue
		}
		if n := f.Names()[0]; len(n) > 1 {
			names = append(names, "--"+n)
		}
	}
	first := "unknown flag: " + typed
	if len(name) == 1 {
		first = fmt.Sprintf("unknown shorthand flag: '%s' in %s", name, typed)
	}
	return usageProblem(first, suggestions("--"+name, names), path)
}

// unknownCommandError is Helm's `unknown command "x" for "helm get"`.
func unknownCommandError(path, name string, cmds []*ucli.Command) error {
	var names []string
	for _, c := range cmds {
		if !c.Hidden {
			names = append(names, c.Name)
		}
	}
	return usageProblem(fmt.Sprintf("unknown command %q for %q", name, strings.TrimSpace("berth "+path)),
		suggestions(name, names), path)
}

func usageProblem(first string, suggest []string, path string) error {
	var b strings.Builder
	b.WriteString(first)
	if len(suggest) > 0 {
		b.WriteString("\n\nDid you mean this?\n")
		for _, s := range suggest {
			b.WriteString("\t" + s + "\n")
		}
	}
	fmt.Fprintf(&b, "\nRun '%s --help' for usage.", strings.TrimSpace("berth "+path))
	return usageErr{b.String()}
}

// usageErr is an unknown command or flag (exit 1, no hint).
type usageErr struct{ msg string }

func (e usageErr) Error() string { return e.msg }

// suggestions are the candidates within two edits of typed, or starting
// with it (cobra's rule), in the candidates' order.
func suggestions(typed string, candidates []string) []string {
	var out []string
	for _, c := range candidates {
		if c == typed {
			continue
		}
		if editDistance(strings.ToLower(typed), strings.ToLower(c)) <= 2 ||
			(len(typed) > 2 && strings.HasPrefix(strings.ToLower(c), strings.ToLower(typed))) {
			out = append(out, c)
		}
	}
	return out
}

// editDistance is the Levenshtein distance of a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
