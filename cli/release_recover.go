package cli

import (
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/deployer"
)

func recoverCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "recover",
		Usage:     "free a release left pending-install/upgrade/rollback by a killed process: mark it failed so the next command proceeds",
		ArgsUsage: "NAME",
		Category:  groupRelease,
		Flags: []ucli.Flag{namespaceFlag(),
			&ucli.BoolFlag{Name: "force", Usage: "mark the revision failed even though its operation's timeout has not run out (only when you know its process is gone)"}},
		Action: runRecover,
	}
}

func runRecover(c *ucli.Context) error {
	args, err := argsN(c, 1, 1, "recover NAME [flags]")
	if err != nil {
		return err
	}
	d, ns, err := connectDeployer(c)
	if err != nil {
		return err
	}
	r, err := d.Recover(c.Context, deployer.RecoverOptions{Target: deployer.Target{Name: args[0], Namespace: ns}, Force: c.Bool("force")})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "release %q revision %d marked failed: %s\n", r.Name, r.Version, r.Info.Description)
	return nil
}
