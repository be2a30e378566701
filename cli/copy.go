package cli

import (
	"errors"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartsource"
	"github.com/berth-dev/berth/oci"
)

const flagWithImages = "with-images"

func copyCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.StringFlag{Name: flagTo, Usage: "destination namespace, oci://host/ns"},
		&ucli.BoolFlag{Name: flagWithImages, Usage: "also copy every image the chart deploys and rewrite the chart to them"},
		&ucli.IntFlag{Name: flagJobs, Usage: "blobs uploaded at once", Value: 4},
		&ucli.StringFlag{Name: flagKubeVersion, Usage: "Kubernetes version to render for (default " + oci.DefaultCheckKubeVersion + ")"},
		outputFlag(),
		forceFlag(),
	}
	flags = append(append(append(append(flags, valuesFlags()...), registryFlags()...), sourceRegistryFlags()...), signFlags()...)
	return &ucli.Command{
		Name:      "copy",
		Usage:     "copy a chart (and with --with-images its images) to another registry or namespace",
		ArgsUsage: "oci://src/ns/chart@sha256:… --to oci://dst/ns",
		Category:  groupBundle,
		Description: "Without --with-images the chart's manifest and blobs are copied unchanged (same digest).\n" +
			"With it, each image of the chart's pod templates is copied by digest to dst/ns/<name> and a\n" +
			"chart whose values point there is pushed. Within one registry, blobs are mounted, not sent.\n" +
			"The registry flags apply to both sides unless a --from-* flag is given: then the source uses\n" +
			"only the --from-* flags and the destination the others.",
		Flags:  flags,
		Action: runCopy,
	}
}

func runCopy(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) != 1 || c.String(flagTo) == "" {
		return errors.New("\"berth copy\" requires 1 argument and --to\n\nUsage:  berth copy oci://src/ns/chart@sha256:… --to oci://dst/ns [--with-images]")
	}
	vals, err := valueOptions(c).Merge(c.Context)
	if err != nil {
		return err
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	src, err := chartSourceOptions(c, chartsource.FormArchive)
	if err != nil {
		return err
	}
	if chartsource.KindOf(args[0], src).Classic() { // REPO/CHART, https://…/chart.tgz
		return copyClassic(c, client, args[0], src)
	}
	from, err := sourceClient(c, client)
	if err != nil {
		return err
	}
	relocate, err := relocateOptions(c)
	if err != nil {
		return err
	}
	opts := oci.CopyOptions{RelocateOptions: relocate, WithImages: c.Bool(flagWithImages), From: from}
	opts.Values = vals
	if opts.Sign, err = signOptions(c); err != nil {
		return err
	}
	res, err := client.Copy(c.Context, args[0], c.String(flagTo), opts)
	if err != nil {
		return err
	}
	signedLines(c, res.Signatures)
	return printReleaseResult(c, res)
}
