package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// Shell completion: bash and zsh ask berth itself for candidates through
// urfave's --generate-bash-completion (so completions follow the binary);
// fish gets a static script generated from the command tree.
func completionCommand() *ucli.Command {
	shell := func(name, usage string, script func(*ucli.Context) (string, error)) *ucli.Command {
		return &ucli.Command{
			Name:  name,
			Usage: usage,
			Action: func(c *ucli.Context) error {
				s, err := script(c)
				if err != nil {
					return fmt.Errorf("generate %s completion: %w", name, err)
				}
				_, err = fmt.Fprint(c.App.Writer, s)
				return err
			},
		}
	}
	return &ucli.Command{
		Name:     "completion",
		Usage:    "print a shell completion script (bash, zsh or fish)",
		Category: groupOther,
		Description: "Load it into the running shell or install it where the shell looks for completions;\n" +
			"see the examples.",
		Subcommands: []*ucli.Command{
			shell("bash", "print the bash completion script", func(*ucli.Context) (string, error) { return bashCompletion, nil }),
			shell("zsh", "print the zsh completion script", func(*ucli.Context) (string, error) { return zshCompletion, nil }),
			shell("fish", "print the fish completion script", func(c *ucli.Context) (string, error) {
				return c.App.ToFishCompletion()
			}),
		},
	}
}

const bashCompletion = `# bash completion for berth: source <(berth completion bash)
_berth_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local -a words=("${COMP_WORDS[@]:0:COMP_CWORD}")
  local opts
  if [[ "$cur" == -* ]]; then
    opts=$("${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${words[@]}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  # Nothing from berth (an argument): complete file names.
  [[ ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
  return 0
}
complete -o bashdefault -o default -F _berth_complete berth
`

const zshCompletion = `#compdef berth
# zsh completion for berth: berth completion zsh > "${fpath[1]}/_berth"
_berth() {
  local -a opts
  local cur=${words[-1]}
  if [[ "$cur" == -* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} $cur --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ -n "${opts[1]}" ]]; then
    _describe 'berth' opts
  else
    _files
  fi
}
if [[ "$funcstack[1]" == "_berth" ]]; then
  _berth "$@"
else
  compdef _berth berth
fi
`

// addFlagCompletion gives every command berth's own flag completion:
// urfave's leaves out a flag typed in full (`install --wait<TAB>` became
// --wait-for-jobs, rewriting a complete flag) and lists hidden string
// flags. Here a complete flag stays a candidate, so bash keeps it, and the
// global flags (hidden copies on each command) are offered after the
// command as they work there.
func addFlagCompletion(cmds []*ucli.Command) {
	for _, cmd := range cmds {
		def := ucli.DefaultCompleteWithFlags(cmd)
		cmd.BashComplete = func(c *ucli.Context) {
			args, _ := c.App.Metadata[rawArgsKey].([]string)
			if len(args) < 3 || !strings.HasPrefix(args[len(args)-2], "-") {
				def(c)
				return
			}
			printFlagCandidates(c.App.Writer, args[len(args)-2], cmd.Flags, args[1:len(args)-2])
		}
		addFlagCompletion(cmd.Subcommands)
	}
}

// printFlagCandidates prints the flags starting with typed (itself
// included when it names a flag), long ones as --name and, when typed has
// a single dash, short ones as -x; flags already on the line (used) are
// left out.
func printFlagCandidates(w io.Writer, typed string, flags []ucli.Flag, used []string) {
	long := strings.HasPrefix(typed, "--")
	prefix := strings.TrimLeft(typed, "-")
	seen := map[string]bool{}
	for _, u := range used {
		if n, _, _ := strings.Cut(strings.TrimLeft(u, "-"), "="); strings.HasPrefix(u, "-") {
			seen[n] = true
		}
	}
	for _, f := range flags {
		if vf, ok := f.(ucli.VisibleFlag); ok && !vf.IsVisible() && !slices.Contains(commandGlobals, f.Names()[0]) {
			continue
		}
		for _, n := range f.Names() {
			if seen[n] || !strings.HasPrefix(n, prefix) || (long && len(n) == 1) {
				continue
			}
			dash := "--"
			if len(n) == 1 {
				dash = "-"
			}
			fmt.Fprintln(w, dash+n)
		}
	}
}
