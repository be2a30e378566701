package cli

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/deployer"
)

const flagLogs = "logs"

func testCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "test",
		Usage:     "run a release's test hooks",
		ArgsUsage: "NAME",
		Category:  groupRelease,
		Flags: []ucli.Flag{namespaceFlag(),
			&ucli.DurationFlag{Name: flagTimeout, Value: 5 * time.Minute, Usage: "time to wait for the tests"},
			&ucli.BoolFlag{Name: flagHideNotes, Usage: "do not show the release notes in the output"},
			&ucli.StringSliceFlag{Name: flagFilter, Usage: "specify tests by attribute (currently \"name\") using attribute=value syntax or '!attribute=value' to exclude a test (repeatable, or separate values with commas: name=test1,name=test2)"},
			&ucli.BoolFlag{Name: flagLogs, Usage: "dump the logs from test pods (after all tests are complete, before any cleanup)"}},
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
	opts := deployer.TestOptions{Target: deployer.Target{Name: args[0], Namespace: ns}, Timeout: c.Duration(flagTimeout)}
	for _, f := range c.StringSlice(flagFilter) {
		if name, ok := strings.CutPrefix(f, "name="); ok {
			opts.Include = append(opts.Include, name)
		} else if m := notName.FindString(f); m != "" {
			opts.Exclude = append(opts.Exclude, f[len(m):])
		}
	}
	r, err := d.RunTests(c.Context, opts)
	if r == nil {
		return err
	}
	if perr := printReleaseInfo(c.App.Writer, "table", hideNotes(c, r), nil); perr != nil {
		return perr
	}
	if c.Bool(flagLogs) {
		// helm separates the logs from the status with an empty line and
		// prints them even when a test failed.
		fmt.Fprintln(c.App.Writer)
		if lerr := d.TestLogs(c.Context, c.App.Writer, r, opts); lerr != nil {
			return lerr
		}
	}
	return err
}

// notName is helm's exclusion filter: "!name=X" (or "! name=X").
var notName = regexp.MustCompile(`^!\s?name=`)
