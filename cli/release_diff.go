package cli

import (
	"fmt"
	"io"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/deployer"
)

const flagNoColor = "no-color"

func diffCommand() *ucli.Command {
	common := func() []ucli.Flag {
		return []ucli.Flag{namespaceFlag(), outputFlag(),
			&ucli.BoolFlag{Name: flagNoColor, Usage: "never colour the diff (default: colour on a terminal)"}}
	}
	upgradeFlags := append(common(),
		&ucli.BoolFlag{Name: flagReuseValues, Usage: "merge the given values over the last release's values"},
		&ucli.BoolFlag{Name: flagResetValues, Usage: "use only the given values and the chart's defaults"},
		&ucli.BoolFlag{Name: flagTakeOwnership, Usage: "adopt existing resources whatever their ownership metadata"})
	return &ucli.Command{
		Name:     "diff",
		Usage:    "show what upgrade or rollback would change in the live cluster (server-side dry run); exit 2 when something would",
		Category: groupRelease,
		Subcommands: []*ucli.Command{
			{Name: "upgrade", Usage: "diff an upgrade against the live objects", ArgsUsage: "NAME CHART",
				Flags: append(upgradeFlags, chartFlags()...), Action: runDiffUpgrade},
			{Name: "rollback", Usage: "diff a rollback against the live objects", ArgsUsage: "NAME [REVISION]",
				Flags: common(), Action: runDiffRollback},
		},
	}
}

func runDiffUpgrade(c *ucli.Context) error {
	args, err := argsN(c, 2, 2, "diff upgrade NAME CHART [flags]")
	if err != nil {
		return err
	}
	d, ns, _, src, err := chartTarget(c, args[1])
	if err != nil {
		return err
	}
	vals, err := valueOptions(c).Merge(c.Context)
	if err != nil {
		return err
	}
	diffs, err := d.DiffUpgrade(c.Context, deployer.UpgradeOptions{
		Target: deployer.Target{Name: args[0], Namespace: ns}, Source: src, Values: vals,
		ReuseValues: c.Bool(flagReuseValues), ResetValues: c.Bool(flagResetValues),
		Options: deployer.Options{TakeOwnership: c.Bool(flagTakeOwnership)},
	})
	if err != nil {
		return err
	}
	return printDiffs(c, diffs)
}

func runDiffRollback(c *ucli.Context) error {
	args, err := argsN(c, 1, 2, "diff rollback NAME [REVISION] [flags]")
	if err != nil {
		return err
	}
	rev, err := revisionArg(args, 1)
	if err != nil {
		return err
	}
	d, ns, err := connectDeployer(c)
	if err != nil {
		return err
	}
	diffs, err := d.DiffRollback(c.Context, deployer.RollbackOptions{Target: deployer.Target{Name: args[0], Namespace: ns}, Revision: rev})
	if err != nil {
		return err
	}
	return printDiffs(c, diffs)
}

// printDiffs prints per-object diffs and turns "something would change"
// into exit code 2, like diff(1).
func printDiffs(c *ucli.Context, diffs []deployer.ObjectDiff) error {
	w := c.App.Writer
	if diffs == nil {
		diffs = []deployer.ObjectDiff{}
	}
	if done, err := printStructured(w, c.String(flagOutput), diffs); done {
		if err != nil {
			return err
		}
	} else {
		color := colorEnabled(c, w)
		for _, df := range diffs {
			fmt.Fprintln(w, df.Change.String())
			writeColored(w, df.Diff, color)
		}
	}
	if len(diffs) > 0 {
		return ucli.Exit("", 2)
	}
	return nil
}

func writeColored(w io.Writer, text string, color bool) {
	for _, line := range strings.SplitAfter(text, "\n") {
		switch {
		case !color || line == "":
		case strings.HasPrefix(line, "+++") || strings.HasPrefix(line, "---"):
			line = "\033[1m" + strings.TrimSuffix(line, "\n") + "\033[0m\n"
		case strings.HasPrefix(line, "+"):
			line = "\033[32m" + strings.TrimSuffix(line, "\n") + "\033[0m\n"
		case strings.HasPrefix(line, "-"):
			line = "\033[31m" + strings.TrimSuffix(line, "\n") + "\033[0m\n"
		case strings.HasPrefix(line, "@@"):
			line = "\033[36m" + strings.TrimSuffix(line, "\n") + "\033[0m\n"
		}
		io.WriteString(w, line)
	}
}
