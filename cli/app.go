// Package cli is berth's command line: flag parsing and output only. Every
// command calls one library function in chartfmt, chartsource, oci,
// chartrepo or deployer and prints what it returns. A CHART argument is
// always resolved by chartsource, with options mapped from the flags in one
// place (chart_source.go).
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	ucli "github.com/urfave/cli/v2"
)

// Build identifies the running binary; main fills it from linker flags.
type Build struct {
	Version string
	Commit  string
}

// Command groups shown by --help, in the order users meet them.
const (
	groupChart    = "Chart"
	groupRegistry = "Registry"
	groupRelease  = "Release"
	groupBundle   = "Bundle"
	groupOther    = "Other"
)

// ExitInterrupted is the exit code after SIGINT or SIGTERM (128+SIGINT, as
// shells report Ctrl-C), and InterruptedMessage the one line berth prints.
const (
	ExitInterrupted    = 130
	InterruptedMessage = "Error: interrupted"
)

// Run executes berth with args (args[0] is the program name) and returns the
// process exit code: 0 ok, 1 error, 2 differences found (diff commands), 130
// interrupted (ctx cancelled).
func Run(ctx context.Context, args []string, build Build, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer recoverInternal(args, stderr, &code)
	app := newApp(build, stdin, stdout, stderr)
	app.Metadata[rawArgsKey] = args
	app.Metadata[settingsKey] = readSettings(os.Getenv) // the environment, read once
	err := app.RunContext(ctx, completionArgs(args))
	if name, ok := app.Metadata[unknownHelpTopic]; ok && err == nil {
		err = unknownCommandError("", fmt.Sprint(name), app.Commands)
	}
	if err == nil {
		return 0
	}
	if ctx.Err() != nil {
		// One line: the error of a cancelled request names URLs (an upload's
		// _state token among them) and says nothing the user needs.
		fmt.Fprintln(stderr, InterruptedMessage)
		return ExitInterrupted
	}
	var exit ucli.ExitCoder
	if errors.As(err, &exit) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintf(stderr, "Error: %s\n", msg)
		}
		return exit.ExitCode()
	}
	fmt.Fprintf(stderr, "Error: %s\n", err)
	if h := errorHint(err); h != "" {
		fmt.Fprintf(stderr, "Hint: %s\n", h)
	}
	return 1
}

// completionArgs passes `--<TAB>` (the shells send "--" before the
// completion flag) to urfave as "-": urfave turns completion off after
// "--", the end of flags, and the word typed is read from the raw args.
func completionArgs(args []string) []string {
	n := len(args)
	if n < 2 || args[n-1] != "--generate-bash-completion" || args[n-2] != "--" {
		return args
	}
	return append(slices.Clone(args[:n-2]), "-", args[n-1])
}

func newApp(build Build, stdin io.Reader, stdout, stderr io.Writer) *ucli.App {
	app := &ucli.App{
		Name:                 "berth",
		Usage:                "distribute and deploy Kubernetes charts through OCI registries",
		Description:          "berth packages Helm charts reproducibly, ships them with their images through OCI registries, and deploys them with Helm-compatible releases.",
		Version:              build.Version,
		HideVersion:          true,
		EnableBashCompletion: true,
		Reader:               stdin,
		Writer:               stdout,
		ErrWriter:            stderr,
		Flags:                globalFlags(),
		ExitErrHandler:       func(*ucli.Context, error) {}, // Run prints errors once.
		Commands: []*ucli.Command{
			versionCommand(build),
			templateCommand(),
			packageCommand(),
			lintCommand(),
			createCommand(),
			pushCommand(),
			pullCommand(),
			showCommand(),
			versionsCommand(),
			searchCommand(),
			repoCommand(),
			registryCommand(),
			dependencyCommand(),
			installCommand(),
			upgradeCommand(),
			rollbackCommand(),
			uninstallCommand(),
			historyCommand(),
			statusCommand(),
			listCommand(),
			getCommand(),
			testCommand(),
			recoverCommand(),
			diffCommand(),
			releaseCommand(),
			bundleCommand(),
			copyCommand(),
			signCommand(), verifyCommand(), keyCommand(),
			completionCommand(),
			envCommand(),
		},
	}
	addHelp(app)
	addCommandGlobals(app.Flags, app.Commands)
	addFlagCompletion(app.Commands)
	app.BashComplete = completeRoot
	noHelpSubcommand(app.Commands)
	return app
}

// noHelpSubcommand keeps urfave/cli from giving commands without
// subcommands a `help` (alias `h`) subcommand, which would swallow a release
// or chart named h or help (`berth install h ./chart`, `berth status help`).
// `berth help CMD`, `CMD --help` and `CMD -h` still show the help.
func noHelpSubcommand(cmds []*ucli.Command) {
	for _, c := range cmds {
		if len(c.Subcommands) == 0 {
			c.HideHelpCommand = true
		}
		noHelpSubcommand(c.Subcommands)
	}
}
