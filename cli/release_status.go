package cli

import (
	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/deployer"
)

const flagShowDesc = "show-desc"

func statusCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "status",
		Usage:     "show a release's status",
		ArgsUsage: "NAME",
		Category:  groupRelease,
		Flags: []ucli.Flag{namespaceFlag(), outputFlag(),
			&ucli.IntFlag{Name: flagRevision, Usage: "show the status of this revision (default: the newest)"},
			&ucli.BoolFlag{Name: flagShowDesc, Usage: "display the description message of the release"}},
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
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), statusOf(r, nil)); done {
		return err
	}
	return writeRelease(c.App.Writer, r, nil, false, c.Bool(flagShowDesc))
}
