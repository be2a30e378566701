package cli

import (
	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/deployer"
)

const (
	flagShowDesc      = "show-desc"
	flagShowResources = "show-resources"
)

func statusCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "status",
		Usage:     "show a release's status",
		ArgsUsage: "NAME",
		Category:  groupRelease,
		Flags: []ucli.Flag{namespaceFlag(), outputFlag(),
			&ucli.IntFlag{Name: flagRevision, Usage: "show the status of this revision (default: the newest)"},
			&ucli.BoolFlag{Name: flagShowDesc, Usage: "display the description message of the release"},
			&ucli.BoolFlag{Name: flagShowResources, Usage: "display the release's live resources (and the Pods of its workloads), as kubectl get prints them; with -o json|yaml the objects under info.resources"}},
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
	table := c.String(flagOutput) == "" || c.String(flagOutput) == "table"
	var groups []deployer.ResourceGroup
	if c.Bool(flagShowResources) {
		if groups, err = d.Resources(c.Context, r, table); err != nil {
			return err
		}
	}
	if !table {
		r.Info.Resources = deployer.ResourceObjects(groups)
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), statusOf(r, nil)); done {
		return err
	}
	return writeRelease(c.App.Writer, r, nil, false, c.Bool(flagShowDesc), groups)
}
