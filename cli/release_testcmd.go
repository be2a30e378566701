package cli

import (
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/deployer"
)

func testCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "test",
		Usage:     "run a release's test hooks",
		ArgsUsage: "NAME",
		Category:  groupRelease,
		Flags: []ucli.Flag{namespaceFlag(),
			&ucli.DurationFlag{Name: flagTimeout, Value: 5 * time.Minute, Usage: "time to wait for the tests"},
			&ucli.BoolFlag{Name: flagHideNotes, Usage: "do not show the release notes in the output"}},
		Action: runTest,
	}
}

func runTest(c *ucli.Context) error {
	args, err := argsN(c, 1, 1, "test NAME [flags]")
	if err != nil {
		return err
	}
	d, ns, err := connectDeployer(c)
	if err != nil {
		return err
	}
	r, err := d.RunTests(c.Context, deployer.TestOptions{Target: deployer.Target{Name: args[0], Namespace: ns}, Timeout: c.Duration(flagTimeout)})
	if r != nil {
		_ = printReleaseInfo(c.App.Writer, "table", hideNotes(c, r), nil)
	}
	return err
}
