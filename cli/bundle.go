package cli

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartsource"
	"github.com/berth-dev/berth/oci"
)

func bundleCommand() *ucli.Command {
	return &ucli.Command{
		Name:     "bundle",
		Usage:    "carry a chart and every image it deploys as one OCI-layout tar (air gaps)",
		Category: groupBundle,
		Subcommands: []*ucli.Command{
			bundleSaveCommand(),
			bundlePushCommand(),
			bundleListCommand(),
			bundleExportCommand(),
		},
	}
}

const (
	flagSkipTestImages = "skip-test-images"
	// flagFile names the bundle file bundle save writes; -f stays --values
	// there, as on every command that takes values.
	flagFile = "file"
)

func bundleSaveCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.StringFlag{Name: flagFile, Usage: "bundle file to write", Value: "bundle.tar"},
		&ucli.StringFlag{Name: flagOutput, Aliases: []string{"o"}, Usage: "deprecated: use --file (-o means the output format everywhere else)", Hidden: true},
		&ucli.StringSliceFlag{Name: flagImage, Usage: "another image reference to include (repeatable)"},
		&ucli.StringFlag{Name: flagVersion, Usage: "chart version (oci:// references)"},
		&ucli.StringFlag{Name: flagKubeVersion, Usage: "Kubernetes version to render for (default " + oci.DefaultCheckKubeVersion + ")"},
		&ucli.BoolFlag{Name: flagSkipTestImages, Usage: "leave out images used only by test hooks (berth test then cannot run on the far side)"},
	}
	flags = append(append(append(flags, valuesFlags()...), registryFlags()...), verifyFlags()...)
	return &ucli.Command{
		Name:      "save",
		Usage:     "write the chart and the images of its pod templates and test hooks (rendered with its values, -f/--set) to one tar",
		ArgsUsage: "CHART_REF|DIR|TGZ --file release.tar",
		Flags:     flags,
		Action:    runBundleSave,
	}
}

func runBundleSave(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return errors.New("\"berth bundle save\" requires 1 argument\n\nUsage:  berth bundle save CHART_REF|DIR --file release.tar [flags]")
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	o, err := chartSourceOptions(c, chartsource.FormArchive)
	if err != nil {
		return err
	}
	o.Registry = func() (*oci.Client, error) { return client, nil }
	chart, err := chartsource.Resolve(c.Context, args[0], o)
	if err != nil {
		return err
	}
	vals, err := valueOptions(c).Merge(c.Context)
	if err != nil {
		return err
	}
	out := c.String(flagFile)
	if c.IsSet(flagOutput) {
		// cobra's wording for a deprecated flag, as Helm users know it.
		fmt.Fprintf(c.App.ErrWriter, "Flag --%s has been deprecated, use --%s instead\n", flagOutput, flagFile)
		if !c.IsSet(flagFile) {
			out = c.String(flagOutput)
		}
	}
	entries, err := client.BundleSave(c.Context, chart.Archive, out, oci.BundleOptions{Values: vals,
		KubeVersion: c.String(flagKubeVersion), Extra: c.StringSlice(flagImage), SkipTestImages: c.Bool(flagSkipTestImages)})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "Saved %s:\n", out)
	return printBundle(c, entries, "table")
}

func bundlePushCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.StringFlag{Name: flagTo, Usage: "destination namespace, oci://host/ns"},
		&ucli.IntFlag{Name: flagJobs, Usage: "blobs uploaded at once", Value: 4},
		&ucli.StringFlag{Name: flagKubeVersion, Usage: "Kubernetes version of the check render (default " + oci.DefaultCheckKubeVersion + ")"},
		outputFlag(),
		forceFlag(),
	}
	return &ucli.Command{
		Name:      "push",
		Usage:     "push a bundle's images and its chart, rewritten to the new registry (digests kept)",
		ArgsUsage: "release.tar --to oci://host/ns",
		Flags:     append(append(flags, registryFlags()...), signFlags()...),
		Action:    runBundlePush,
	}
}

func runBundlePush(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) != 1 || c.String(flagTo) == "" {
		return errors.New("\"berth bundle push\" requires 1 argument and --to\n\nUsage:  berth bundle push release.tar --to oci://host/ns [flags]")
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	opts, err := relocateOptions(c)
	if err != nil {
		return err
	}
	if opts.Sign, err = signOptions(c); err != nil {
		return err
	}
	res, err := client.BundlePush(c.Context, args[0], c.String(flagTo), opts)
	if err != nil {
		return err
	}
	signedLines(c, res.Signatures)
	return printReleaseResult(c, res)
}

func bundleListCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "list",
		Usage:     "show what a bundle holds: chart, images, digests, sizes",
		ArgsUsage: "release.tar",
		Flags:     []ucli.Flag{outputFlag()},
		Action: func(c *ucli.Context) error {
			args, err := positionalArgs(c)
			if err != nil {
				return err
			}
			if len(args) != 1 {
				return errors.New("\"berth bundle list\" requires 1 argument\n\nUsage:  berth bundle list release.tar")
			}
			entries, err := oci.BundleList(args[0])
			if err != nil {
				return err
			}
			return printBundle(c, entries, c.String(flagOutput))
		},
	}
}

func printBundle(c *ucli.Context, entries []oci.BundleEntry, format string) error {
	if done, err := printStructured(c.App.Writer, format, entries); done {
		return err
	}
	rows := [][]string{{"KIND", "ROLE", "REFERENCE", "DIGEST", "SIZE"}}
	for _, e := range entries {
		role := e.Role
		if e.Kind == oci.KindReferrer { // what it is: an SBOM, a signature…
			role = e.ArtifactType
		}
		if role == "" {
			role = "-"
		}
		rows = append(rows, []string{e.Kind, role, e.Ref, shortDigest(e.Digest), humanBytes(e.Size)})
	}
	fitColumn(rows, 2, bundleTableWidth, 2)
	tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// bundleTableWidth is the widest a bundle table may be (a terminal of 120
// columns); -o json keeps full references and digests.
const bundleTableWidth = 120

// fitColumn shortens cells of column col (keeping their start and end,
// "…" between) so that the table, with pad spaces between columns, is at
// most width runes wide.
func fitColumn(rows [][]string, col, width, pad int) {
	widths := map[int]int{}
	for _, r := range rows {
		for i, cell := range r {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	others := 0
	for i, w := range widths {
		if i != col {
			others += w + pad
		}
	}
	budget := max(width-others, 12)
	for _, r := range rows {
		cell := []rune(r[col])
		if len(cell) <= budget {
			continue
		}
		head := (budget - 1) / 2
		tail := budget - 1 - head
		r[col] = string(cell[:head]) + "…" + string(cell[len(cell)-tail:])
	}
}

// relocateOptions reads the flags bundle push and copy share.
func relocateOptions(c *ucli.Context) (oci.RelocateOptions, error) {
	epoch, err := sourceDateEpoch(c)
	opts := oci.RelocateOptions{Created: epoch, KubeVersion: c.String(flagKubeVersion), Jobs: c.Int(flagJobs), Force: c.Bool(flagForce)}
	if c.String(flagOutput) == "table" {
		opts.Progress = blobProgress(c)
	}
	return opts, err
}

// printReleaseResult prints pushed images and the pinned chart.
func printReleaseResult(c *ucli.Context, res *oci.ReleaseResult) error {
	out := releaseOutput{Chart: res.Chart.Pinned, Ref: res.Chart.Ref.WithDigest("").String(),
		Digest: res.Chart.Digest, Version: res.Chart.Version, Images: res.Images}
	if out.Images == nil {
		out.Images = []oci.ReleasedImage{}
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), out); done {
		return err
	}
	for _, img := range out.Images {
		fmt.Fprintf(c.App.Writer, "Image: %s\n", img.Ref)
	}
	_, err := fmt.Fprintf(c.App.Writer, "Chart: %s\n", out.Chart)
	return err
}
