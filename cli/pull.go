package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/internal/safefs"
	"github.com/berth-dev/berth/oci"
)

const (
	flagDestination = "destination"
	flagUntar       = "untar"
	flagUntarDir    = "untardir"
	flagProv        = "prov"
)

type pullOutput struct {
	Ref      string   `json:"ref"`
	Digest   string   `json:"digest"`
	Pinned   string   `json:"pinned"`
	Name     string   `json:"name"`
	Version  string   `json:"version"`
	Path     string   `json:"path"`
	Cached   bool     `json:"cached"`
	Warnings []string `json:"warnings,omitempty"`
	// Provenance is the verified .prov (--verify without --key).
	Provenance *provenanceOutput `json:"provenance,omitempty"`
}

func pullCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "pull",
		Usage:     "download a chart from an OCI registry, verified against its digests",
		ArgsUsage: "oci://HOST/NS/NAME[:TAG][@sha256:DIGEST] [REF...]",
		Category:  groupRegistry,
		Description: "--version takes an exact version or a semver range; without it the newest stable version\n" +
			"(or the reference's tag) is used. NAME:TAG@DIGEST fails unless the tag points to that digest.",
		Flags: append(append(registryFlags(), verifyFlags()...),
			&ucli.StringFlag{Name: flagVersion, Usage: "version or semver range (default: latest stable)"},
			&ucli.BoolFlag{Name: flagDevel, Usage: "use development versions too (equivalent to version '>0.0.0-0')"},
			&ucli.StringFlag{Name: flagDestination, Aliases: []string{"d"}, Value: ".", Usage: "location to write the chart"},
			&ucli.BoolFlag{Name: flagUntar, Usage: "if set to true, will untar the chart after downloading it"},
			&ucli.BoolFlag{Name: flagProv, Usage: "fetch the provenance file, but don't perform verification"},
			&ucli.StringFlag{Name: flagUntarDir, Value: ".", Usage: "if untar is specified, this flag specifies the name of the directory into which the chart is expanded"},
			outputFlag(), repoURLFlags()[0], repoURLFlags()[1],
		),
		Action: runPull,
	}
}

func runPull(c *ucli.Context) error {
	args, err := positionalArgs(c)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		return errors.New("\"berth pull\" requires at least 1 argument\n\nUsage:  berth pull oci://HOST/NS/NAME [REF...] [flags]")
	}
	if done, err := pullClassic(c, args); done { // REPO/CHART, https://…/chart.tgz
		return err
	}
	if len(args) > 1 && c.IsSet(flagVersion) {
		return errors.New("--version applies to one reference; give each reference its :tag or @digest instead")
	}
	client, err := registryClient(c)
	if err != nil {
		return err
	}
	verify, err := verifyOptions(c, args[0])
	if err != nil {
		return err
	}
	ring, err := provenanceKeyring(c)
	if err != nil {
		return err
	}
	results, err := client.PullAll(c.Context, args, oci.PullOptions{Version: c.String(flagVersion), Devel: c.Bool(flagDevel), Verify: verify}, 0)
	if err != nil {
		return err
	}
	provs := make([]*provenanceOutput, len(results))
	for i, res := range results { // all verified before anything is written
		if ring != nil {
			v, err := verifyPulledProvenance(ring, res)
			if err != nil {
				return err
			}
			provs[i] = provenanceOut(v)
		}
	}
	outs := make([]pullOutput, len(results))
	for i, res := range results {
		if outs[i], err = savePulled(c, res); err != nil {
			return err
		}
		outs[i].Provenance = provs[i]
	}
	var structured any = outs
	if len(outs) == 1 {
		structured = outs[0]
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), structured); done {
		return err
	}
	return printPulled(c, outs)
}

// printPulled prints what was pulled and, for a verified .prov, what helm
// pull --verify prints.
func printPulled(c *ucli.Context, outs []pullOutput) error {
	for _, out := range outs {
		if _, err := fmt.Fprintf(c.App.Writer, "Pulled: %s\nDigest: %s\n", out.Ref, out.Digest); err != nil {
			return err
		}
		if out.Provenance != nil {
			if err := printProvenance(c.App.Writer, out.Provenance); err != nil {
				return err
			}
		}
	}
	return nil
}

// savePulled writes the chart as -d/<name>-<version>.tgz or expands it (--untar).
func savePulled(c *ucli.Context, res *oci.PullResult) (pullOutput, error) {
	for _, w := range res.Warnings {
		fmt.Fprintf(c.App.ErrWriter, "Warning: %s\n", w)
	}
	dest := c.String(flagDestination)
	var path string
	var err error
	if c.Bool(flagUntar) {
		path, err = oci.ExtractChart(res.Chart, filepath.Join(dest, c.String(flagUntarDir)), res.Metadata.Name)
	} else {
		path, err = writeChartFile(dest, res.FileName(), res.Chart)
	}
	if err == nil && (c.Bool(flagProv) || c.Bool(flagVerify) && res.Prov != nil && len(arrayValue(c, flagSigKey)) == 0) {
		if res.Prov == nil {
			return pullOutput{}, fmt.Errorf("pull %s: the chart has no provenance layer", res.Ref)
		}
		_, err = writeChartFile(dest, res.FileName()+".prov", res.Prov)
	}
	return pullOutput{Ref: res.Ref.WithDigest("").String(), Digest: res.Digest, Pinned: res.Ref.Pinned(),
		Name: res.Metadata.Name, Version: res.Metadata.Version, Path: path, Cached: res.Cached, Warnings: res.Warnings}, err
}

// writeChartFile writes the archive atomically, refusing a name that would
// land outside dir.
func writeChartFile(dir, name string, b []byte) (string, error) {
	p, err := safefs.WriteFile(dir, name, b, 0o644)
	if err != nil {
		return "", fmt.Errorf("pull: write %s: %w", name, err)
	}
	return p, nil
}
