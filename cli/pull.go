package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt/provenance"
	"github.com/berth-dev/berth/chartsource"
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
	o, err := chartSourceOptions(c, chartsource.FormArchive)
	if err != nil {
		return err
	}
	if o.Repo.URL != "" || allClassic(args, o) { // REPO/CHART, https://…/chart.tgz, --repo
		o.Repo.AlwaysURL = true // helm pull --repo looks every CHART up there, local paths or not
		return pullClassic(c, args, o)
	}
	if len(args) > 1 && c.IsSet(flagVersion) {
		return errors.New("--version applies to one reference; give each reference its :tag or @digest instead")
	}
	o.Accept = []chartsource.Kind{chartsource.OCI}
	charts, err := chartsource.ResolveAll(c.Context, args, o) // all verified before anything is written
	if err != nil {
		return err
	}
	outs := make([]pullOutput, len(charts))
	for i, ch := range charts {
		if outs[i], err = savePulled(c, ch); err != nil {
			return err
		}
	}
	return printPullOutputs(c, outs)
}

// pullClassic pulls charts of classic repositories one after the other,
// each saved under the name it has in the repository, byte for byte, as
// helm pull saves it.
func pullClassic(c *ucli.Context, args []string, o chartsource.Options) error {
	outs := make([]pullOutput, len(args))
	for i, a := range args {
		ch, err := chartsource.Resolve(c.Context, a, o)
		if err != nil {
			return err
		}
		if outs[i], err = savePulled(c, ch); err != nil {
			return err
		}
	}
	return printPullOutputs(c, outs)
}

func allClassic(refs []string, o chartsource.Options) bool {
	for _, r := range refs {
		if !chartsource.KindOf(r, o).Classic() {
			return false
		}
	}
	return true
}

func printPullOutputs(c *ucli.Context, outs []pullOutput) error {
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

// savePulled writes the chart as -d/<file name> or expands it (--untar),
// and its provenance next to it when verified or asked for (--prov).
func savePulled(c *ucli.Context, ch *chartsource.Source) (pullOutput, error) {
	for _, w := range ch.Warnings {
		fmt.Fprintf(c.App.ErrWriter, "Warning: %s\n", w)
	}
	dest := c.String(flagDestination)
	var path string
	var err error
	if c.Bool(flagUntar) {
		path, err = oci.ExtractChart(ch.Archive, filepath.Join(dest, c.String(flagUntarDir)), ch.Metadata.Name)
	} else {
		path, err = writeChartFile(dest, ch.FileName, ch.Archive)
	}
	if err == nil && (c.Bool(flagProv) || ch.Provenance != nil) {
		switch {
		case ch.Prov != nil:
			_, err = writeChartFile(dest, ch.FileName+provenance.Ext, ch.Prov)
		case ch.Kind == chartsource.OCI: // a classic repository's missing .prov is a warning
			err = fmt.Errorf("pull %s: the chart has no provenance layer", ch.Ref)
		}
	}
	out := pullOutput{Ref: ch.Ref, Digest: ch.Origin.Digest, Name: ch.Metadata.Name, Version: ch.Metadata.Version,
		Path: path, Cached: ch.Cached, Warnings: ch.Warnings, Provenance: provenanceOut(ch.Provenance)}
	if ch.Kind == chartsource.OCI {
		out.Pinned = ch.Origin.Ref
	}
	return out, err
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
