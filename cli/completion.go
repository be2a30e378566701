package cli

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/berth-dev/berth/deployer"
)

// Shell completion: bash, zsh and fish ask berth itself for candidates
// through urfave's --generate-bash-completion, so completions follow the
// binary and releases, namespaces and contexts are read live.
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
			shell("fish", "print the fish completion script", func(*ucli.Context) (string, error) { return fishCompletion, nil }),
		},
	}
}

const bashCompletion = `# bash completion for berth: source <(berth completion bash)
_berth_complete() {
  # COMP_WORDS splits at colons (COMP_WORDBREAKS): join them back, as a
  # context may hold some (EKS's arn:aws:eks:…).
  local -a words=()
  local i w joined=0
  for ((i = 0; i <= COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    if [[ "$w" == ":" || $joined == 1 ]] && ((${#words[@]} > 0)); then
      words[-1]+="$w"
    else
      words+=("$w")
    fi
    joined=0
    [[ "$w" == ":" ]] && joined=1
  done
  local cur="${words[-1]}"
  unset 'words[-1]'
  local opts
  # berth gets the word being completed when it is a flag, else an empty
  # word: it then sees what that word follows (a command, a flag taking a
  # value) and compgen below keeps the candidates that match.
  local arg="$cur"
  [[ "$cur" == -* ]] || arg=""
  opts=$("${words[@]}" "$arg" --generate-bash-completion 2>/dev/null)
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  # Nothing from berth (an argument): complete file names.
  [[ ${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=($(compgen -f -- "$cur"))
  # bash replaces only what follows the word's last colon.
  if [[ "$cur" == *:* && "$COMP_WORDBREAKS" == *:* ]]; then
    local colon="${cur%"${cur##*:}"}"
    for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]="${COMPREPLY[i]#"$colon"}"; done
  fi
  return 0
}
complete -o bashdefault -o default -F _berth_complete berth
`

const zshCompletion = `#compdef berth
# zsh completion for berth: berth completion zsh > "${fpath[1]}/_berth"
_berth() {
  local -a opts
  local cur=${words[-1]}
  # As in bash: the word being completed when it is a flag, else empty.
  local arg=""
  [[ "$cur" == -* ]] && arg="$cur"
  opts=("${(@f)$(${words[@]:0:#words[@]-1} "$arg" --generate-bash-completion 2>/dev/null)}")
  if [[ -n "${opts[1]}" ]]; then
    # _describe reads "name:description": a colon in a name (an EKS
    # context) is escaped.
    opts=("${(@)opts//:/\\:}")
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

// fishCompletion asks berth as bash does (urfave's generated fish script
// offered files after every command, listed help and h, and knew no
// releases or namespaces). fish filters the candidates by the word typed.
const fishCompletion = `# fish completion for berth: berth completion fish > ~/.config/fish/completions/berth.fish
function __berth_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    # As in bash: the word being completed when it is a flag, else an empty word.
    set -l arg ""
    string match -q -- '-*' $cur; and set arg $cur
    set -l opts ($words $arg --generate-bash-completion 2>/dev/null)
    if test (count $opts) -gt 0
        printf '%s\n' $opts
    else
        # Nothing from berth (an argument): complete file names.
        __fish_complete_path $cur
    end
end
complete -c berth -f -a '(__berth_complete)'
`

// addFlagCompletion gives every command berth's own flag completion:
// urfave's leaves out a flag typed in full (`install --wait<TAB>` became
// --wait-for-jobs, rewriting a complete flag) and lists hidden string
// flags. Here a complete flag stays a candidate, so bash keeps it, and the
// global flags (hidden copies on each command) are offered after the
// command as they work there.
func addFlagCompletion(cmds []*ucli.Command) {
	for _, cmd := range cmds {
		def := func(c *ucli.Context) { printCommandCandidates(c.App.Writer, cmd.Subcommands) }
		cmd.BashComplete = func(c *ucli.Context) {
			args, _ := c.App.Metadata[rawArgsKey].([]string)
			if len(args) < 3 {
				def(c)
				return
			}
			cur, prev := args[len(args)-2], ""
			if len(args) >= 4 {
				prev = args[len(args)-3]
			}
			switch {
			case strings.HasPrefix(cur, "-"):
				printFlagCandidates(c.App.Writer, cur, cmd.Flags, args[1:len(args)-2])
			case prev == "-n" || prev == "--"+flagNamespace:
				printLive(c, func(ctx context.Context, d *deployer.Deployer, _ string) ([]string, error) {
					return d.Kube.NamespaceNames(ctx)
				})
			case prev == "--"+flagKubeContext:
				printContexts(c)
			case releaseCommands[commandPath(c)] && c.NArg() <= 1:
				printLive(c, func(ctx context.Context, d *deployer.Deployer, ns string) ([]string, error) {
					heads, err := d.ListHeads(ctx, deployer.ListOptions{Namespace: ns, All: true})
					names := make([]string, 0, len(heads))
					for _, h := range heads {
						names = append(names, h.Name)
					}
					return names, err
				})
			default:
				def(c)
			}
		}
		addFlagCompletion(cmd.Subcommands)
	}
}

// completeRoot completes after `berth`: global flags, else commands.
func completeRoot(c *ucli.Context) {
	args, _ := c.App.Metadata[rawArgsKey].([]string)
	if len(args) >= 3 && strings.HasPrefix(args[len(args)-2], "-") {
		printFlagCandidates(c.App.Writer, args[len(args)-2], c.App.Flags, args[1:len(args)-2])
		return
	}
	printCommandCandidates(c.App.Writer, c.App.Commands)
}

// printCommandCandidates prints the visible commands' names, never the
// help command (nobody completes to `help` or `h`).
func printCommandCandidates(w io.Writer, cmds []*ucli.Command) {
	for _, c := range cmds {
		if !c.Hidden && c.Name != "help" {
			fmt.Fprintln(w, c.Name)
		}
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

// releaseCommands take a release NAME first: completion offers releases.
var releaseCommands = map[string]bool{
	"upgrade": true, "rollback": true, "uninstall": true, "history": true, "status": true, "test": true,
	"recover": true, "get values": true, "get manifest": true, "get notes": true, "get hooks": true,
	"get all": true, "get metadata": true, "diff upgrade": true, "diff rollback": true,
}

// completionTimeout bounds a live lookup for completion: a TAB must not
// hang on an unreachable cluster (then nothing is offered).
const completionTimeout = 3 * time.Second

// printLive prints what list returns from the cluster, or nothing when
// the cluster cannot be reached in time.
func printLive(c *ucli.Context, list func(context.Context, *deployer.Deployer, string) ([]string, error)) {
	kt, err := kubeConfig(c)
	if err != nil {
		return
	}
	cfg := rest.CopyConfig(kt.config)
	cfg.Timeout = completionTimeout
	d, err := deployer.New(cfg)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(c.Context, completionTimeout)
	defer cancel()
	names, err := list(ctx, d, kt.namespace)
	if err != nil {
		return
	}
	for _, n := range names {
		fmt.Fprintln(c.App.Writer, n)
	}
}

// printContexts prints the kubeconfig's context names.
func printContexts(c *ucli.Context) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = globalString(c, flagKubeconfig)
	cfg, err := rules.Load()
	if err != nil {
		return
	}
	names := make([]string, 0, len(cfg.Contexts))
	for n := range cfg.Contexts {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintln(c.App.Writer, n)
	}
}
