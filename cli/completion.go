package cli

import (
	"fmt"

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
