package cli

import (
	"fmt"
	"time"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/deployer"
)

const flagMax = "max"

// historyEntry is one line of `history`, with helm's JSON names.
type historyEntry struct {
	Revision    int           `json:"revision"`
	Updated     deployer.Time `json:"updated"`
	Status      string        `json:"status"`
	Chart       string        `json:"chart"`
	AppVersion  string        `json:"app_version"`
	Description string        `json:"description"`
	// Origin is berth's own, as in status: the pinned chart and what was
	// verified (absent for revisions helm wrote).
	Origin *deployer.Origin `json:"origin,omitempty"`
}

func historyCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "history",
		Aliases:   []string{"hist"},
		Usage:     "print a release's revisions",
		ArgsUsage: "NAME",
		Category:  groupRelease,
		Flags: []ucli.Flag{namespaceFlag(), outputFlag(),
			&ucli.IntFlag{Name: flagMax, Value: 256, Usage: "maximum number of revisions to include"}},
		Action: runHistory,
	}
}

func runHistory(c *ucli.Context) error {
	args, err := argsN(c, 1, 1, "history NAME [flags]")
	if err != nil {
		return err
	}
	d, ns, err := connectDeployer(c)
	if err != nil {
		return err
	}
	h, err := d.History(c.Context, deployer.Target{Name: args[0], Namespace: ns})
	if err != nil {
		return err
	}
	if max := c.Int(flagMax); max > 0 && len(h) > max {
		h = h[len(h)-max:]
	}
	entries := make([]historyEntry, 0, len(h))
	for _, r := range h {
		entries = append(entries, historyEntry{Revision: r.Version, Updated: r.Info.LastDeployed,
			Status: string(r.Info.Status), Chart: r.ChartVersion(), AppVersion: r.AppVersion(), Description: r.Info.Description,
			Origin: r.Origin})
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), entries); done {
		return err
	}
	rows := [][]string{{"REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION"}}
	for _, e := range entries {
		rows = append(rows, []string{fmt.Sprint(e.Revision), e.Updated.Format(time.ANSIC), e.Status, e.Chart, e.AppVersion, e.Description})
	}
	return writeTable(c.App.Writer, 60, rows) // helm history cuts columns at 60
}
