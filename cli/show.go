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

// showCommand shows a chart's Chart.yaml, values.yaml or README from an OCI
// registry (fetching only what it needs) or a local path.
func showCommand() *ucli.Command {
	sub := func(name, usage string) *ucli.Command {
		return &ucli.Command{
			Name:      name,
			Usage:     usage,
			ArgsUsage: "CHART",
			Flags: append(registryFlags(),
				&ucli.StringFlag{Name: flagVersion, Usage: "version or semver range (default: latest stable)"},
				&ucli.BoolFlag{Name: flagDevel, Usage: "use development versions too"},
			),
			Action: func(c *ucli.Context) error { return runShow(c, name) },
		}
	}
	return &ucli.Command{
		Name:     "show",
		Usage:    "show information of a chart",
		Category: groupChart,
		Subcommands: []*ucli.Command{
			sub("chart", "show the chart's definition"),
			sub("values", "show the chart's values"),
			sub("readme", "show the chart's README"),
			sub("crds", "show the chart's CRDs"),
			sub("all", "show all information of the chart"),
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
	ref := args[0]
	var out []byte
	if strings.HasPrefix(ref, oci.Scheme) {
		out, err = showRemote(c, ref, what)
	} else {
		out, err = showLocal(ref, what)
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
	switch what {
	case chartfmt.ShowCRDs, chartfmt.ShowAll: // need the whole chart
		res, err := client.Pull(c.Context, ref, opts)
		if err != nil {
			return nil, err
		}
		ch, err := chartfmt.LoadArchive(bytes.NewReader(res.Chart))
		if err != nil {
			return nil, err
		}
		return chartfmt.Show(ch, what)
	case "chart":
		meta, err := client.ShowMetadata(c.Context, ref, opts)
		if err != nil {
			return nil, err
		}
		return yaml.Marshal(meta)
	case "values":
		return client.ShowFile(c.Context, ref, opts, "values.yaml")
	}
	return client.ShowFile(c.Context, ref, opts, "README.md")
}

// showLocal prints what `helm show` prints for a chart directory or .tgz.
func showLocal(path, what string) ([]byte, error) {
	ch, err := chartfmt.Load(path)
	if err != nil {
		return nil, err
	}
	return chartfmt.Show(ch, what)
}
