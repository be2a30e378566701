package cli

import (
	"fmt"
	"os"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
)

const (
	flagStrict        = "strict"
	flagWithSubcharts = "with-subcharts"
)

func lintCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.BoolFlag{Name: flagStrict, Usage: "fail on lint warnings"},
		&ucli.BoolFlag{Name: flagWithSubcharts, Usage: "lint dependent charts"},
		&ucli.StringFlag{Name: flagKubeVersion, Usage: "Kubernetes version used for capabilities and deprecation checks"},
	}
	return &ucli.Command{
		Name:  "lint",
		Usage: "examine charts for possible issues",
		Description: "Checks Chart.yaml, values.yaml and values.schema.json, parses every template and renders the chart " +
			"with its default values and with each ci/*.yaml file. Every finding names file:line. Exits 1 on errors " +
			"(and on warnings with --strict).",
		ArgsUsage: "[PATH...]",
		Category:  groupChart,
		Flags:     append(flags, valuesFlags()...),
		Action:    runLint,
	}
}

func runLint(c *ucli.Context) error {
	paths, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	vals, err := valueOptions(c).Merge(c.Context)
	if err != nil {
		return err
	}
	opts := chartfmt.LintOptions{Values: vals, Namespace: namespaceOf(c), KubeVersion: c.String(flagKubeVersion)}
	if c.Bool(flagWithSubcharts) {
		if paths, err = withSubcharts(paths); err != nil {
			return err
		}
	}
	failed := 0
	for _, p := range paths {
		fmt.Fprintf(c.App.Writer, "==> Linting %s\n", p)
		res, err := chartfmt.Lint(c.Context, p, opts)
		if err != nil {
			fmt.Fprintf(c.App.Writer, "[ERROR] %v\n\n", err)
			failed++
			continue
		}
		for _, m := range res.Messages {
			fmt.Fprintln(c.App.Writer, m)
		}
		fmt.Fprintln(c.App.Writer)
		if res.Failed(c.Bool(flagStrict)) {
			failed++
		}
	}
	summary := fmt.Sprintf("%d chart(s) linted, %d chart(s) failed", len(paths), failed)
	if failed > 0 {
		return ucli.Exit(summary, 1)
	}
	fmt.Fprintln(c.App.Writer, summary)
	return nil
}

// withSubcharts adds each chart directory's subcharts after it.
func withSubcharts(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		out = append(out, p)
		if fi, err := os.Stat(p); err != nil || !fi.IsDir() {
			continue
		}
		subs, err := chartfmt.LintSubchartPaths(p)
		if err != nil {
			return nil, err
		}
		out = append(out, subs...)
	}
	return out, nil
}
