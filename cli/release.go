package cli

import (
	"errors"
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartsource"
	"github.com/berth-dev/berth/oci"
)

const (
	flagImage      = "image"
	flagImageValue = "image-value"
	flagTo         = "to"
	flagJobs       = "jobs"
)

type releaseOutput struct {
	Chart   string              `json:"chart"` // oci://host/ns/name@sha256:…
	Ref     string              `json:"ref"`   // oci://host/ns/name:version
	Digest  string              `json:"digest"`
	Version string              `json:"version"`
	Images  []oci.ReleasedImage `json:"images"`
}

func releaseCommand() *ucli.Command {
	flags := []ucli.Flag{
		&ucli.StringSliceFlag{Name: flagImage, Usage: "NAME=SOURCE: an image to push to HOST/NS/NAME (docker save tar[:REPO:TAG], OCI layout folder or tar, registry reference, docker-daemon:REPO:TAG); repeatable"},
		&ucli.StringSliceFlag{Name: flagImageValue, Usage: "NAME=values.path: the values entry that deploys image NAME (default: berth.yaml, then the image/repository conventions)"},
		&ucli.StringFlag{Name: flagTo, Usage: "destination namespace, oci://host/ns"},
		&ucli.StringFlag{Name: flagVersion, Usage: "chart version to release (default: Chart.yaml)"},
		&ucli.IntFlag{Name: flagJobs, Usage: "blobs uploaded at once", Value: 4},
		outputFlag(),
		forceFlag(),
	}
	flags = append(flags, valuesFlags()...)
	return &ucli.Command{
		Name:      "release",
		Usage:     "push images, then the chart pinned to them by digest",
		ArgsUsage: "CHART --image NAME=SOURCE... --to oci://host/ns",
		Category:  groupRelease,
		Description: "Each image is pushed by digest to host/ns/NAME (indexes kept whole, present blobs skipped).\n" +
			"The chart's values are set to those digests, checked by rendering, and the chart is packaged\n" +
			"reproducibly and pushed last; if any image fails, the chart is not pushed. -f/--set values are\n" +
			"used only for the check render. A chart version already released with other content is refused\n" +
			"before anything is pushed, unless --force.",
		Flags:  append(append(flags, registryFlags()...), signFlags()...),
		Action: runRelease,
	}
}

func runRelease(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) != 1 {
		return errors.New("\"berth release\" requires 1 argument\n\nUsage:  berth release CHART --image NAME=SOURCE... --to oci://host/ns [flags]")
	}
	opts, err := releaseOptions(c)
	if err != nil {
		return err
	}
	chart, err := chartsource.Resolve(c.Context, args[0], chartsource.Options{Accept: []chartsource.Kind{chartsource.Local}})
	if err != nil {
		return err
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	res, err := client.Release(c.Context, chart.Chart, opts)
	if err != nil {
		return err
	}
	signedLines(c, res.Signatures)
	return printReleaseResult(c, res)
}

func releaseOptions(c *ucli.Context) (oci.ReleaseOptions, error) {
	epoch, err := sourceDateEpoch(c)
	if err != nil {
		return oci.ReleaseOptions{}, err
	}
	vals, err := valueOptions(c).Merge(c.Context)
	if err != nil {
		return oci.ReleaseOptions{}, err
	}
	if c.String(flagTo) == "" {
		return oci.ReleaseOptions{}, errors.New("berth release: --to oci://host/ns is required")
	}
	opts := oci.ReleaseOptions{Dest: c.String(flagTo), Version: c.String(flagVersion), Created: epoch,
		Values: vals, Jobs: c.Int(flagJobs), ValuePaths: map[string]string{}, Force: c.Bool(flagForce)}
	if opts.Sign, err = signOptions(c); err != nil {
		return opts, err
	}
	if opts.Images, err = imageSpecs(c.StringSlice(flagImage)); err != nil {
		return opts, err
	}
	if len(opts.Images) == 0 {
		return opts, errors.New("berth release: give at least one --image NAME=SOURCE")
	}
	for _, s := range c.StringSlice(flagImageValue) {
		n, p, ok := strings.Cut(s, "=")
		if !ok || n == "" || p == "" {
			return opts, fmt.Errorf("--image-value %q: want NAME=values.path", s)
		}
		opts.ValuePaths[n] = p
	}
	if c.String(flagOutput) == "table" {
		opts.Progress = blobProgress(c)
	}
	return opts, nil
}

func imageSpecs(flags []string) ([]oci.ImageSpec, error) {
	var out []oci.ImageSpec
	for _, s := range flags {
		spec, err := oci.ParseImageSpec(s)
		if err != nil {
			return nil, err
		}
		out = append(out, spec)
	}
	return out, nil
}
