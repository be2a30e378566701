package cli

import (
	"bytes"
	"fmt"

	ucli "github.com/urfave/cli/v2"
	"k8s.io/client-go/util/jsonpath"
	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/chartsource"
	"github.com/berth-dev/berth/oci"
)

// showCommand prints what `helm show` prints, for a local chart or an
// oci:// reference; `show chart` of a reference fetches only the config blob.
func showCommand() *ucli.Command {
	sub := func(name, usage string, extra ...ucli.Flag) *ucli.Command {
		return &ucli.Command{
			Name:      name,
			Usage:     usage,
			ArgsUsage: "CHART",
			Flags: append(append(append(registryFlags(), verifyFlags()...),
				&ucli.StringFlag{Name: flagVersion, Usage: "version or semver range (default: latest stable)"},
				&ucli.BoolFlag{Name: flagDevel, Usage: "use development versions too"},
				repoURLFlags()[0], repoURLFlags()[1],
			), extra...),
			Action: func(c *ucli.Context) error { return runShow(c, name) },
		}
	}
	return &ucli.Command{
		Name:     "show",
		Aliases:  []string{"inspect"},
		Usage:    "show information of a chart",
		Category: groupChart,
		Subcommands: []*ucli.Command{
			sub(chartfmt.ShowAll, "show all information of the chart"),
			sub(chartfmt.ShowChart, "show the chart's definition"),
			sub(chartfmt.ShowValues, "show the chart's values",
				&ucli.StringFlag{Name: flagJSONPath, Usage: "supply a JSONPath expression to filter the output"}),
			sub(chartfmt.ShowReadme, "show the chart's README"),
			sub(chartfmt.ShowCRDs, "show the chart's CRDs"),
		},
	}
}

func runShow(c *ucli.Context, what string) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return fmt.Errorf("\"berth show %s\" requires 1 argument\n\nUsage:  berth show %s CHART [flags]", what, what)
	}
	o, err := chartSourceOptions(c, chartsource.FormChart)
	if err != nil {
		return err
	}
	var out []byte
	if what == chartfmt.ShowChart && chartsource.KindOf(args[0], o) == chartsource.OCI && o.Verify.Keyring == nil {
		out, err = showRemoteMetadata(c, args[0], o) // the config blob only
	} else {
		var src *chartsource.Source
		if src, err = chartsource.Resolve(c.Context, args[0], o); err == nil {
			if tmpl := c.String(flagJSONPath); what == chartfmt.ShowValues && tmpl != "" {
				out, err = valuesJSONPath(src.Chart.Values, tmpl)
			} else {
				out, err = chartfmt.Show(src.Chart, what)
			}
		}
	}
	if err != nil {
		return err
	}
	_, err = c.App.Writer.Write(out)
	return err
}

// showRemoteMetadata is `show chart` of an oci:// chart: its Chart.yaml,
// read from the manifest's config blob without pulling the archive.
func showRemoteMetadata(c *ucli.Context, ref string, o chartsource.Options) ([]byte, error) {
	client, err := o.Registry()
	if err != nil {
		return nil, err
	}
	opts := oci.PullOptions{Version: o.Version, Devel: o.Devel}
	if len(o.Verify.CosignKeys) > 0 {
		opts.Verify = &oci.VerifyOptions{KeyFiles: o.Verify.CosignKeys}
	}
	meta, err := client.ShowMetadata(c.Context, ref, opts)
	if err != nil {
		return nil, err
	}
	b, err := yaml.Marshal(meta)
	return append(b, '\n'), err
}

const flagJSONPath = "jsonpath"

// valuesJSONPath is show values --jsonpath: the expression over the chart's
// parsed values, as kubectl's JSONPath printer runs it for helm (an error
// while executing ends the output where it stopped, as helm's does).
func valuesJSONPath(values map[string]any, tmpl string) ([]byte, error) {
	j := jsonpath.New("out")
	if err := j.Parse(tmpl); err != nil {
		return nil, fmt.Errorf("error parsing jsonpath %s: %w", tmpl, err)
	}
	var b bytes.Buffer
	_ = j.Execute(&b, values)
	return b.Bytes(), nil
}
