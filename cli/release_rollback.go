package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/deployer"
)

func rollbackCommand() *ucli.Command {
	flags := []ucli.Flag{
		namespaceFlag(),
		&ucli.BoolFlag{Name: flagDryRun, Usage: "simulate a rollback"},
		&ucli.BoolFlag{Name: flagNoHooks, Usage: "do not run the chart's hooks"},
		&ucli.BoolFlag{Name: flagCleanupOnFail, Usage: "delete resources created by this rollback when it fails"},
		&ucli.IntFlag{Name: flagHistoryMax, Value: 10, Usage: "limit the revisions kept per release (0: no limit)"},
		&ucli.StringFlag{Name: flagDescription, Usage: "add a custom description"},
		forceReplaceFlag(),
	}
	return &ucli.Command{
		Name:      "rollback",
		Usage:     "roll a release back to a previous revision (reverting live drift too)",
		ArgsUsage: "NAME [REVISION]",
		Category:  groupRelease,
		Flags:     append(flags, waitFlags()...),
		Action:    runRollback,
	}
}

func runRollback(c *ucli.Context) error {
	args, err := argsN(c, 1, 2, "rollback NAME [REVISION] [flags]")
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
	opts, err := operationOptions(c, dryRunBool(c, deployer.DryRunServer))
	if err != nil {
		return err
	}
	opts.Method.Replace = c.Bool(flagForce)
	_, err = d.Rollback(c.Context, deployer.RollbackOptions{Target: deployer.Target{Name: args[0], Namespace: ns}, Revision: rev, Options: opts})
	if err != nil {
		return fmt.Errorf("rollback of %s failed: %w", args[0], err)
	}
	fmt.Fprintln(c.App.Writer, "Rollback was a success! Happy Helming!")
	return nil
}
