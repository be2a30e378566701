package cli

import (
	"fmt"
	"maps"
	"strings"

	ucli "github.com/urfave/cli/v2"
)

// rootHelpFooter ends `berth --help`: what scripts rely on.
const rootHelpFooter = `
EXAMPLES:
   berth release ./hello --image hello=hello.tar --to oci://reg.example.com/apps
   berth install web oci://reg.example.com/apps/hello@sha256:… --wait
   berth diff upgrade web oci://reg.example.com/apps/hello@sha256:…
   berth bundle save oci://reg.example.com/apps/hello@sha256:… --file hello.tar

EXIT CODES:
   0  success
   1  error: an "Error:" line saying what failed (with the cause), then a "Hint:" line for common causes
   2  differences found (berth diff)
   130  interrupted (SIGINT or SIGTERM): one "Error: interrupted" line

ENVIRONMENT:
   KUBECONFIG            kubeconfig files, merged in order (--kubeconfig names one file)
   BERTH_KUBE_CONTEXT    kubeconfig context (--kube-context)
   BERTH_NAMESPACE       namespace (-n)
   BERTH_DEBUG           verbose output and Go stack traces (--debug)
   BERTH_QUIET           no progress output (--quiet)
   BERTH_PLAIN_HTTP      registries without TLS (--plain-http)
   BERTH_REGISTRY_USERNAME, BERTH_REGISTRY_PASSWORD
                         registry credentials for one command (--username, --password)
   NO_COLOR              never colour output (colour is used only on a terminal)
   DOCKER_CONFIG         folder of the config.json holding registry credentials (default ~/.docker)
   HELM_REGISTRY_CONFIG  Helm's registry credentials, read when config.json has no entry
   XDG_CACHE_HOME        cache root: pulled charts under $XDG_CACHE_HOME/berth (default ~/.cache)
   XDG_CONFIG_HOME       config root (default ~/.config)
   XDG_DATA_HOME         data root: berth registry serve storage (default ~/.local/share)
   SOURCE_DATE_EPOCH     timestamp of packaged files (reproducible builds)

Run 'berth COMMAND --help' for a command's flags and examples; docs/ has one page per command group.
`

// unknownHelpTopic is the App.Metadata key naming the command that
// `berth help NAME` did not find.
const unknownHelpTopic = "berth.unknownHelpTopic"

// addHelp gives every command an EXAMPLES section (from helpExamples) and the
// root help its examples, exit codes and environment.
func addHelp(app *ucli.App) {
	app.CustomAppHelpTemplate = strings.Replace(ucli.AppHelpTemplate,
		`{{template "visibleCommandCategoryTemplate" .}}`, escapeTemplate(commandGroups(app.Commands)), 1) + rootHelpFooter
	app.OnUsageError = usageError("", func() []ucli.Flag { return nil })
	app.CommandNotFound = func(c *ucli.Context, name string) {
		// urfave calls this for `berth help NAME` (`berth NAME` errors
		// itself) and then succeeds: Run turns the mark into exit code 1.
		c.App.Metadata[unknownHelpTopic] = name
	}
	app.Action = unknownCommand("", func() []*ucli.Command { return app.Commands })
	paths := map[*ucli.Command]string{}
	if app.Metadata == nil {
		app.Metadata = map[string]any{}
	}
	app.Metadata[commandPathsKey] = paths
	examples := helpExamples()
	maps.Copy(examples, repoHelpExamples())
	var walk func(prefix string, cmds []*ucli.Command)
	walk = func(prefix string, cmds []*ucli.Command) {
		for _, c := range cmds {
			path := strings.TrimSpace(prefix + " " + c.Name)
			paths[c] = path
			if c.OnUsageError == nil {
				c.OnUsageError = usageError(path, func() []ucli.Flag { return c.Flags })
			}
			if c.Action == nil && len(c.Subcommands) > 0 {
				c.Action = unknownCommand(path, func() []*ucli.Command { return c.Subcommands })
			}
			if ex, ok := examples[path]; ok && c.CustomHelpTemplate == "" {
				base := ucli.CommandHelpTemplate
				if len(c.Subcommands) > 0 {
					// Subcommands have no categories; listing them plainly
					// also works for `berth help CMD`, which renders before
					// urfave has sorted a command's subcommands.
					base = strings.Replace(ucli.SubcommandHelpTemplate,
						`{{template "visibleCommandCategoryTemplate" .}}`, `{{template "visibleCommandTemplate" .}}`, 1)
				}
				c.CustomHelpTemplate = base + "\nEXAMPLES:\n" + indentLines(escapeTemplate(ex), "   ") + "\n"
			}
			if len(c.Subcommands) > 0 && c.ArgsUsage == "" && c.UsageText == "" {
				c.ArgsUsage = "COMMAND [ARGS...]"
			}
			walk(path, c.Subcommands)
		}
	}
	walk("", app.Commands)
}

// escapeTemplate keeps literal text literal inside a text/template.
func escapeTemplate(s string) string {
	return strings.ReplaceAll(s, "{{", `{{"{{"}}`)
}

func indentLines(s, pad string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = pad + l
	}
	return strings.Join(lines, "\n")
}

// commandGroups lists the top-level commands by group in the order users
// meet them (urfave would sort the groups by name).
func commandGroups(cmds []*ucli.Command) string {
	order := []string{groupChart, groupRegistry, groupRepo, groupRelease, groupBundle, groupOther}
	byGroup := map[string][]*ucli.Command{}
	width := 0
	for _, c := range cmds {
		if c.Hidden {
			continue
		}
		byGroup[c.Category] = append(byGroup[c.Category], c)
		width = max(width, len(strings.Join(c.Names(), ", ")))
	}
	var b strings.Builder
	for _, g := range order {
		if len(byGroup[g]) == 0 {
			continue
		}
		b.WriteString("\n   " + g + ":")
		for _, c := range byGroup[g] {
			names := strings.Join(c.Names(), ", ")
			b.WriteString("\n     " + names + strings.Repeat(" ", width-len(names)+2) + c.Usage)
		}
	}
	b.WriteString("\n\n   Run 'berth help COMMAND' or 'berth COMMAND --help' for details.")
	return b.String()
}

// usageError makes a bad flag one error (see suggest.go) instead of
// urfave's "Incorrect Usage" followed by the whole help text.
func usageError(path string, flags func() []ucli.Flag) ucli.OnUsageErrorFunc {
	return func(c *ucli.Context, err error, _ bool) error {
		if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: -"); ok {
			return unknownFlagError(c.App, path, flags(), name)
		}
		cmd := strings.TrimSpace("berth " + path)
		return fmt.Errorf("%s: %w: run '%s --help' for usage", cmd, err, cmd)
	}
}

// unknownCommand is the action of berth and of command groups: help when
// called bare, an error (exit 1) for a word that names no command.
func unknownCommand(path string, cmds func() []*ucli.Command) ucli.ActionFunc {
	return func(c *ucli.Context) error {
		if c.Args().Present() {
			return unknownCommandError(path, c.Args().First(), cmds())
		}
		if path == "" {
			return ucli.ShowAppHelp(c)
		}
		return ucli.ShowSubcommandHelp(c)
	}
}

// commandPath is the command of c as typed after "berth" ("get values").
func commandPath(c *ucli.Context) string {
	paths, _ := c.App.Metadata[commandPathsKey].(map[*ucli.Command]string)
	return paths[c.Command]
}

// commandPathsKey is the App.Metadata key of the map from each command to
// its path.
const commandPathsKey = "berth.commandPaths"
