package cli

import (
	"fmt"
	"regexp"

	ucli "github.com/urfave/cli/v2"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/berth-dev/berth/deployer"
)

const (
	flagAllNamespaces = "all-namespaces"
	flagAll           = "all"
	flagShort         = "short"
	flagOffset        = "offset"
	flagNoHeaders     = "no-headers"
	flagTimeFormat    = "time-format"
	flagDate          = "date"
	flagFilter        = "filter"
	flagReverse       = "reverse"
	flagSelector      = "selector"
)

// statusFilters maps helm list's filter flags to statuses.
var statusFilters = map[string][]deployer.Status{
	"deployed":     {deployer.StatusDeployed},
	"failed":       {deployer.StatusFailed},
	"pending":      {deployer.StatusPendingInstall, deployer.StatusPendingUpgrade, deployer.StatusPendingRollback},
	"superseded":   {deployer.StatusSuperseded},
	"uninstalled":  {deployer.StatusUninstalled},
	"uninstalling": {deployer.StatusUninstalling},
}

var statusFilterNames = []string{"deployed", "failed", "pending", "superseded", "uninstalled", "uninstalling"}

// listEntry is one release of `list`, with helm's JSON names.
type listEntry struct {
	Name       string `json:"name"`
	Namespace  string `json:"namespace"`
	Revision   string `json:"revision"`
	Updated    string `json:"updated"`
	Status     string `json:"status"`
	Chart      string `json:"chart"`
	AppVersion string `json:"app_version"`
	// Origin is berth's own, as in status (absent for releases helm wrote).
	Origin *deployer.Origin `json:"origin,omitempty"`
}

func listCommand() *ucli.Command {
	flags := []ucli.Flag{namespaceFlag(), outputFlag(),
		&ucli.BoolFlag{Name: flagAllNamespaces, Aliases: []string{"A"}, Usage: "list releases across all namespaces"},
		&ucli.BoolFlag{Name: flagAll, Aliases: []string{"a"}, Usage: "show all releases whatever their status"},
		&ucli.BoolFlag{Name: flagShort, Aliases: []string{"q"}, Usage: "print release names only"},
		&ucli.IntFlag{Name: flagMax, Aliases: []string{"m"}, Value: 256, Usage: "maximum number of releases to fetch (0: all)"},
		&ucli.IntFlag{Name: flagOffset, Usage: "next index in the list, used with --max"},
		&ucli.BoolFlag{Name: flagNoHeaders, Usage: "don't print headers when using the default output format"},
		&ucli.StringFlag{Name: flagTimeFormat, Usage: `format time using golang time formatter, e.g. --time-format "2006-01-02 15:04:05Z0700"`},
		&ucli.BoolFlag{Name: flagDate, Aliases: []string{"d"}, Usage: "sort by release date"},
		&ucli.BoolFlag{Name: flagReverse, Aliases: []string{"r"}, Usage: "reverse the sort order"},
		&ucli.StringFlag{Name: flagFilter, Aliases: []string{"f"}, Usage: "a regular expression: only releases whose name it matches are listed"},
		&ucli.StringFlag{Name: flagSelector, Aliases: []string{"l"}, Usage: "selector (label query) on the release Secrets' labels, e.g. -l key1=value1,key2!=value2"},
	}
	for _, f := range statusFilterNames {
		flags = append(flags, &ucli.BoolFlag{Name: f, Usage: "show " + f + " releases"})
	}
	return &ucli.Command{
		Name:     "list",
		Aliases:  []string{"ls"},
		Usage:    "list releases (reads Secret labels; decodes only the releases it prints)",
		Category: groupRelease,
		Flags:    flags,
		Action:   runList,
	}
}

func runList(c *ucli.Context) error {
	d, ns, err := connectDeployer(c)
	if err != nil {
		return err
	}
	opts, err := listOptions(c, ns)
	if err != nil {
		return err
	}
	if c.Bool(flagShort) && !c.Bool(flagDate) { // by date needs each release's payload
		// Names only: read labels, decode nothing.
		heads, err := d.ListHeads(c.Context, opts)
		if err != nil {
			return err
		}
		for _, h := range heads {
			fmt.Fprintln(c.App.Writer, h.Name)
		}
		return nil
	}
	rels, err := d.List(c.Context, opts)
	if err != nil {
		return err
	}
	if c.Bool(flagShort) {
		for _, r := range rels {
			fmt.Fprintln(c.App.Writer, r.Name)
		}
		return nil
	}
	layout := helmTime
	if f := c.String(flagTimeFormat); f != "" {
		layout = f
	}
	entries := make([]listEntry, 0, len(rels))
	for _, r := range rels {
		entries = append(entries, listEntry{Name: r.Name, Namespace: r.Namespace, Revision: fmt.Sprint(r.Version),
			Updated: r.Info.LastDeployed.Format(layout), Status: string(r.Info.Status), Chart: r.ChartVersion(), AppVersion: r.AppVersion(),
			Origin: r.Origin})
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), entries); done {
		return err
	}
	rows := [][]string{{"NAME", "NAMESPACE", "REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION"}}
	if c.Bool(flagNoHeaders) {
		rows = rows[:0]
	}
	for _, e := range entries {
		rows = append(rows, []string{e.Name, e.Namespace, e.Revision, e.Updated, e.Status, e.Chart, e.AppVersion})
	}
	return writeTable(c.App.Writer, 0, rows)
}

// listOptions maps list's flags onto the deployer's, as helm combines
// them: --reverse flips the name order, --date sorts by the last
// deployment, oldest first, and --date --reverse newest first.
func listOptions(c *ucli.Context, ns string) (deployer.ListOptions, error) {
	opts := deployer.ListOptions{Namespace: ns, AllNamespaces: c.Bool(flagAllNamespaces), All: c.Bool(flagAll),
		Offset: c.Int(flagOffset), Max: c.Int(flagMax)}
	for f, sts := range statusFilters {
		if c.Bool(f) {
			opts.Statuses = append(opts.Statuses, sts...)
		}
	}
	if f := c.String(flagFilter); f != "" {
		re, err := regexp.Compile(f)
		if err != nil {
			return opts, err
		}
		opts.Filter = re
	}
	sel, err := labels.Parse(c.String(flagSelector))
	if err != nil {
		return opts, err
	}
	if !sel.Empty() {
		opts.Selector = sel
	}
	switch {
	case c.Bool(flagDate) && c.Bool(flagReverse):
		opts.Sort = deployer.ByDateDesc
	case c.Bool(flagDate):
		opts.Sort = deployer.ByDate
	case c.Bool(flagReverse):
		opts.Sort = deployer.ByNameDesc
	}
	return opts, nil
}
