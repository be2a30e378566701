package cli

import (
	"bytes"
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"
	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci"
)

// showCommand prints what `helm show` prints, for a local chart or an
// oci:// reference; `show chart` of a reference fetches only the config blob.
func showCommand() *ucli.Command {
	sub := func(name, usage string) *ucli.Command {
		return &ucli.Command{
			Name:      name,
			Usage:     usage,
			ArgsUsage: "CHART",
			Flags: append(append(registryFlags(), verifyFlags()...),
				&ucli.StringFlag{Name: flagVersion, Usage: "version or semver range (default: latest stable)"},
				&ucli.BoolFlag{Name: flagDevel, Usage: "use development versions too"},
				repoURLFlags()[0], repoURLFlags()[1],
			),
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
			sub(chartfmt.ShowValues, "show the chart's values"),
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
	if _, err := verifyOptions(c, args[0]); err != nil {
		return err
	}
	var out []byte
	if strings.HasPrefix(args[0], oci.Scheme) {
		out, err = showRemote(c, args[0], what)
	} else {
		var ch *chartfmt.Chart
		if ch, err = loadChartRef(c, args[0]); err == nil {
			out, err = chartfmt.Show(ch, what)
		}
	}
	if err != nil {
		return err
	}
	_, err = c.App.Writer.Write(out)
	return err
}

func showRemote(c *ucli.Context, ref, what string) ([]byte, error) {
	client, err := registryClient(c)
	if err != nil {
		return nil, err
	}
	opts := oci.PullOptions{Version: c.String(flagVersion), Devel: c.Bool(flagDevel)}
	if opts.Verify, err = verifyOptions(c, ref); err != nil {
		return nil, err
	}
	ring, err := provenanceKeyring(c) // --verify without --key: the chart's .prov
	if err != nil {
		return nil, err
	}
	if what == chartfmt.ShowChart && ring == nil {
		meta, err := client.ShowMetadata(c.Context, ref, opts)
		if err != nil {
			return nil, err
		}
		b, err := yaml.Marshal(meta)
		return append(b, '\n'), err
	}
	p, err := client.Pull(c.Context, ref, opts)
	if err != nil {
		return nil, err
	}
	if ring != nil {
		if _, err := verifyPulledProvenance(ring, p); err != nil {
			return nil, err
		}
	}
	ch, err := chartfmt.LoadArchive(bytes.NewReader(p.Chart))
	if err != nil {
		return nil, fmt.Errorf("show %s: %w", p.Ref, err)
	}
	return chartfmt.Show(ch, what)
}
