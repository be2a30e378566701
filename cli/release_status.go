package cli

import (
	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/deployer"
)

func statusCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "status",
		Usage:     "show a release's status",
		ArgsUsage: "NAME",
		Category:  groupRelease,
		Flags: []ucli.Flag{namespaceFlag(), outputFlag(),
			&ucli.IntFlag{Name: flagRevision, Usage: "show the status of this revision (default: the newest)"}},
		Action: runStatus,
	}
}

func runStatus(c *ucli.Context) error {
	args, err := argsN(c, 1, 1, "status NAME [flags]")
	if err != nil {
		return err
	}
	d, ns, err := connectDeployer(c)
	if err != nil {
		return err
	}
	r, err := d.Status(c.Context, deployer.Target{Name: args[0], Namespace: ns}, c.Int(flagRevision))
	if err != nil {
		return err
	}
	return printReleaseInfo(c.App.Writer, c.String(flagOutput), r, nil)
}
