package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/deployer"
)

const (
	flagInstall        = "install"
	flagReuseValues    = "reuse-values"
	flagResetValues    = "reset-values"
	flagTakeOverAfter  = "take-over-after"
	flagResetThenReuse = "reset-then-reuse-values"
)

func upgradeCommand() *ucli.Command {
	flags := []ucli.Flag{
		namespaceFlag(), outputFlag(), dryRunFlag(), labelsFlag(),
		&ucli.BoolFlag{Name: flagInstall, Aliases: []string{"i"}, Usage: "install the release if it does not exist"},
		&ucli.BoolFlag{Name: flagReuseValues, Usage: "merge the given values over the last release's values"},
		&ucli.BoolFlag{Name: flagResetValues, Usage: "use only the given values and the chart's defaults"},
		&ucli.BoolFlag{Name: flagResetThenReuse, Usage: "the new chart's defaults, then the last release's values, then the given ones (ignored with --reset-values or --reuse-values)"},
		&ucli.BoolFlag{Name: flagCreateNamespace, Usage: "with --install, create the release namespace if not present"},
		&ucli.BoolFlag{Name: flagAtomic, Usage: "roll back to the last good revision if the upgrade fails (implies --wait)"},
		&ucli.BoolFlag{Name: flagCleanupOnFail, Usage: "delete resources created by this upgrade when it fails"},
		&ucli.BoolFlag{Name: flagSkipCRDs, Usage: "with --install, do not install CRDs"},
		&ucli.BoolFlag{Name: flagNoHooks, Usage: "do not run the chart's hooks"},
		&ucli.BoolFlag{Name: flagTakeOwnership, Usage: "adopt existing resources whatever their ownership metadata"},
		&ucli.StringFlag{Name: flagDescription, Usage: "add a custom description"},
		&ucli.BoolFlag{Name: flagDisableOpenAPI, Usage: "do not validate the rendered objects against the Kubernetes schema (unknown fields are left to the API server, which drops them)"},
		&ucli.IntFlag{Name: flagHistoryMax, Value: 10, Usage: "limit the revisions kept per release (0: no limit)"},
		&ucli.DurationFlag{Name: flagTakeOverAfter, Usage: "take over a release left pending-* with no activity for this long (must exceed the --timeout of any operation still running on it; 0: never)"},
	}
	flags = append(flags, releaseRenderFlags()...)
	flags = append(flags, waitFlags()...)
	flags = append(flags, applyMethodFlags()...)
	flags = append(flags, forceReplaceFlag(), hideSecretFlag())
	return &ucli.Command{
		Name:      "upgrade",
		Usage:     "upgrade a release to a new chart or new values",
		ArgsUsage: "NAME CHART",
		Category:  groupRelease,
		Flags:     append(flags, chartFlags()...),
		Action:    runUpgrade,
	}
}

func runUpgrade(c *ucli.Context) error {
	args, err := argsN(c, 2, 2, "upgrade NAME CHART [flags]")
	if err != nil {
		return err
	}
	d, ns, _, src, err := chartTarget(c, args[1])
	if err != nil {
		return err
	}
	in, err := installOptions(c, deployer.Target{Name: args[0], Namespace: ns}, src)
	if err != nil {
		return err
	}
	res, err := d.Upgrade(c.Context, deployer.UpgradeOptions{
		Target: in.Target, Source: src, Values: in.Values,
		ReuseValues: reuseValues(c), ResetValues: c.Bool(flagResetValues), TakeOverAfter: c.Duration(flagTakeOverAfter),
		Install: c.Bool(flagInstall), CreateNamespace: in.CreateNamespace, SkipCRDs: in.SkipCRDs, Options: in.Options,
	})
	if err != nil {
		return fmt.Errorf("UPGRADE FAILED: %w", err)
	}
	if c.String(flagOutput) == "table" || c.String(flagOutput) == "" {
		fmt.Fprintf(c.App.Writer, "Release %q has been upgraded. Happy Helming!\n", args[0])
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(c.App.ErrWriter, "WARNING: %s\n", w)
	}
	return printReleaseInfo(c.App.Writer, c.String(flagOutput), hideNotes(c, res.Release), res.Changes)
}

// reuseValues: berth's ReuseValues merges over the last release's values
// with the new chart's defaults, which is what Helm's
// --reset-then-reuse-values does (ignored when --reset-values or
// --reuse-values is given).
func reuseValues(c *ucli.Context) bool {
	return c.Bool(flagReuseValues) || (c.Bool(flagResetThenReuse) && !c.Bool(flagResetValues))
}
