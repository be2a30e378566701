package cli

import (
	"fmt"
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
)

const flagMaxColWidth = "max-col-width"

func dependencyListCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "list",
		Aliases:   []string{"ls"},
		Usage:     "list a chart's dependencies and their state under charts/, as `helm dependency list`",
		ArgsUsage: "CHART",
		Flags:     []ucli.Flag{&ucli.UintFlag{Name: flagMaxColWidth, Value: 80, Usage: "maximum column width for output table"}},
		Action:    runDependencyList,
	}
}

func runDependencyList(c *ucli.Context) error {
	dir, err := chartDirArg(c)
	if err != nil {
		return err
	}
	l, err := chartfmt.ListDependencies(dir)
	if err != nil {
		return err
	}
	w := c.App.Writer
	if l.None {
		_, err := fmt.Fprintf(w, "WARNING: no dependencies at %s\n", filepath.Join(dir, "charts"))
		return err
	}
	rows := [][]string{{"NAME", "VERSION", "REPOSITORY", "STATUS"}}
	for _, d := range l.Dependencies {
		rows = append(rows, []string{d.Name, d.Version, d.Repository, d.Status})
	}
	if err := helmTable(w, int(c.Uint(flagMaxColWidth)), rows); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, warning := range l.Warnings {
		fmt.Fprintln(w, warning)
	}
	return nil
}
