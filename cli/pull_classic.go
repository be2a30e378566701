package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"path"
	"path/filepath"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/chartfmt/provenance"
	"github.com/berth-dev/berth/oci"
)

// pullClassic is runPull's hook for charts of classic repositories
// (REPO/CHART, https://…/chart.tgz): the archive is saved under the name
// it has in the repository, byte for byte, as helm pull saves it. done is
// false when no argument is such a chart.
func pullClassic(c *ucli.Context, args []string) (done bool, err error) {
	for _, a := range args {
		if !classicRef(a) && c.String(flagRepoURL) == "" {
			return false, nil
		}
	}
	outs := make([]pullOutput, len(args))
	for i, a := range args {
		if outs[i], err = pullOneClassic(c, a); err != nil {
			return true, err
		}
	}
	var structured any = outs
	if len(outs) == 1 {
		structured = outs[0]
	}
	if done, err := printStructured(c.App.Writer, c.String(flagOutput), structured); done {
		return true, err
	}
	return true, printPulled(c, outs)
}

func pullOneClassic(c *ucli.Context, ref string) (pullOutput, error) {
	fetch := fetchClassic
	if c.String(flagRepoURL) != "" { // helm pull --repo looks every CHART up there, local paths or not
		fetch = fetchFromRepoURL
	}
	got, err := fetch(c, ref)
	if err != nil {
		return pullOutput{}, err
	}
	meta, err := chartfmt.ArchiveMetadata(bytes.NewReader(got.Archive))
	if err != nil {
		return pullOutput{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	sum := sha256.Sum256(got.Archive)
	out := pullOutput{Ref: got.URL, Digest: "sha256:" + hex.EncodeToString(sum[:]), Name: meta.Name, Version: meta.Version,
		Provenance: provenanceOut(got.Verified), Warnings: got.Warnings}
	for _, w := range got.Warnings {
		fmt.Fprintf(c.App.ErrWriter, "Warning: %s\n", w)
	}
	dest := c.String(flagDestination)
	if c.Bool(flagUntar) {
		out.Path, err = oci.ExtractChart(got.Archive, filepath.Join(dest, c.String(flagUntarDir)), meta.Name)
	} else {
		out.Path, err = writeChartFile(dest, archiveName(got.URL, meta), got.Archive)
	}
	if err == nil && got.Prov != nil { // --verify or --prov: kept next to the archive, as helm pull does
		_, err = writeChartFile(dest, archiveName(got.URL, meta)+provenance.Ext, got.Prov)
	}
	return out, err
}

// archiveName is the file name in the chart's URL, as helm saves it, or
// NAME-VERSION.tgz when the URL has none.
func archiveName(rawURL string, meta *chartfmt.Metadata) string {
	if u, err := url.Parse(rawURL); err == nil {
		if b := path.Base(u.Path); b != "" && b != "/" && b != "." {
			return b
		}
	}
	return meta.Name + "-" + meta.Version + ".tgz"
}
