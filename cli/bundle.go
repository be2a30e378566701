package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
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

const flagSkipTestImages = "skip-test-images"

func bundleSaveCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "bundle file to write", Value: "bundle.tar"},
		&ucli.StringSliceFlag{Name: flagImage, Usage: "another image reference to include (repeatable)"},
		&ucli.StringFlag{Name: flagVersion, Usage: "chart version (oci:// references)"},
		&ucli.StringFlag{Name: flagKubeVersion, Usage: "Kubernetes version to render for (default " + oci.DefaultCheckKubeVersion + ")"},
		&ucli.BoolFlag{Name: flagSkipTestImages, Usage: "leave out images used only by test hooks (berth test then cannot run on the far side)"},
	}
	flags = append(append(append(flags, valuesFlags()...), registryFlags()...), verifyFlags()...)
	return &ucli.Command{
		Name:      "save",
		Usage:     "write the chart and the images of its pod templates and test hooks (rendered with its values, -f/--set) to one tar",
		ArgsUsage: "CHART_REF|DIR|TGZ -o release.tar",
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
		return errors.New("\"berth bundle save\" requires 1 argument\n\nUsage:  berth bundle save CHART_REF|DIR -o release.tar [flags]")
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	tgz, err := bundleChartArchive(c, client, args[0])
	if err != nil {
		return err
	}
	vals, err := valueOptions(c).Merge(c.Context)
	if err != nil {
		return err
	}
	out := c.String("output")
	entries, err := client.BundleSave(c.Context, tgz, out, oci.BundleOptions{Values: vals,
		KubeVersion: c.String(flagKubeVersion), Extra: c.StringSlice(flagImage), SkipTestImages: c.Bool(flagSkipTestImages)})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "Saved %s:\n", out)
	return printBundle(c, entries, "table")
}

// bundleChartArchive returns the chart as .tgz bytes: pulled (oci://),
// read (.tgz) or packaged reproducibly (a folder).
func bundleChartArchive(c *ucli.Context, client *oci.Client, ref string) ([]byte, error) {
	verify, err := verifyOptions(c, ref)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(ref, oci.Scheme) {
		res, err := client.Pull(c.Context, ref, oci.PullOptions{Version: c.String(flagVersion), Verify: verify})
		if err != nil {
			return nil, err
		}
		return res.Chart, nil
	}
	epoch, err := chartfmt.SourceDateEpoch(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return nil, err
	}
	return chartArchive(ref, epoch)
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
	opts := relocateOptions(c)
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
	tw := tabwriter.NewWriter(c.App.Writer, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tROLE\tREFERENCE\tDIGEST\tSIZE")
	for _, e := range entries {
		role := e.Role
		if role == "" {
			role = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Kind, role, e.Ref, e.Digest, humanBytes(e.Size))
	}
	return tw.Flush()
}

// relocateOptions reads the flags bundle push and copy share.
func relocateOptions(c *ucli.Context) oci.RelocateOptions {
	epoch, _ := chartfmt.SourceDateEpoch(os.Getenv("SOURCE_DATE_EPOCH"))
	opts := oci.RelocateOptions{Created: epoch, KubeVersion: c.String(flagKubeVersion), Jobs: c.Int(flagJobs), Force: c.Bool(flagForce)}
	if c.String(flagOutput) == "table" {
		opts.Progress = blobProgress(c)
	}
	return opts
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
