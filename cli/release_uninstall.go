package cli

import (
	"errors"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/deployer"
)

const (
	flagKeepHistory    = "keep-history"
	flagIgnoreNotFound = "ignore-not-found"
	flagCascade        = "cascade"
)

func uninstallCommand() *ucli.Command {
	flags := []ucli.Flag{
		namespaceFlag(),
		&ucli.BoolFlag{Name: flagKeepHistory, Usage: "keep the release history, marked uninstalled"},
		&ucli.BoolFlag{Name: flagDryRun, Usage: "simulate an uninstall"},
		&ucli.BoolFlag{Name: flagNoHooks, Usage: "do not run the chart's hooks"},
		&ucli.StringFlag{Name: flagDescription, Usage: "add a custom description"},
		&ucli.BoolFlag{Name: "force", Usage: "uninstall even while another install/upgrade/rollback holds the release (that operation then stops)"},
		&ucli.BoolFlag{Name: flagIgnoreNotFound, Usage: `treat "release not found" as a successful uninstall`},
		&ucli.StringFlag{Name: flagCascade, Value: "background", Usage: `what becomes of the dependents (a Deployment's ReplicaSets and Pods): "background" (deleted after), "foreground" (deleted before; each object stays until they are gone) or "orphan" (kept)`},
	}
	return &ucli.Command{
		Name:      "uninstall",
		Aliases:   []string{"delete", "un"},
		Usage:     "uninstall releases: delete their resources (reverse install order) and history",
		ArgsUsage: "NAME...",
		Category:  groupRelease,
		Flags:     append(flags, waitFlags()...),
		Action:    runUninstall,
	}
}

func runUninstall(c *ucli.Context) error {
	args, err := argsN(c, 1, 1<<20, "uninstall NAME... [flags]")
	if err != nil {
		return err
	}
	cascade, err := deployer.ParseCascade(c.String(flagCascade))
	if err != nil {
		return err
	}
	d, ns, err := connectDeployer(c)
	if err != nil {
		return err
	}
	opts, err := operationOptions(c, dryRunBool(c, deployer.DryRunClient))
	if err != nil {
		return err
	}
	for _, name := range args {
		res, err := d.Uninstall(c.Context, deployer.UninstallOptions{
			Target: deployer.Target{Name: name, Namespace: ns}, KeepHistory: c.Bool(flagKeepHistory), Force: c.Bool("force"),
			Cascade: cascade, Options: opts,
		})
		if errors.Is(err, deployer.ErrReleaseNotFound) && c.Bool(flagIgnoreNotFound) {
			fmt.Fprintf(c.App.Writer, "release %q uninstalled\n", name) // as helm prints it
			continue
		}
		if err != nil {
			return fmt.Errorf("uninstallation of %s failed: %w", name, err)
		}
		for _, e := range res.Changes.Entries {
			if e.Action == deployer.ActionSkipped {
				fmt.Fprintf(c.App.Writer, "kept (helm.sh/resource-policy: keep, or now owned by another release): [%s] %s\n", e.Kind, e.Name)
			}
		}
		fmt.Fprintf(c.App.Writer, "release %q uninstalled\n", name)
	}
	return nil
}
