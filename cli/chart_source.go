package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/chartrepo"
	"github.com/berth-dev/berth/deployer"
	"github.com/berth-dev/berth/oci"
)

// classicRef reports whether CHART names a chart of a classic repository,
// as helm reads it: an http(s):// archive URL, or REPO/CHART when no local
// file or directory has that path (and it does not start with . or /).
func classicRef(ref string) bool {
	if strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
		return true
	}
	if strings.HasPrefix(ref, oci.Scheme) || strings.HasPrefix(ref, ".") || filepath.IsAbs(ref) {
		return false
	}
	if _, err := os.Stat(ref); err == nil {
		return false
	}
	_, _, ok := chartrepo.SplitRef(ref)
	return ok
}

// fetchClassic downloads the chart that ref, --version and --devel select
// from a classic repository.
func fetchClassic(c *ucli.Context, ref string) (*chartrepo.Chart, error) {
	opts, err := verifiedDownloadOptions(c) // --verify: the .prov too
	if err != nil {
		return nil, err
	}
	if strings.Contains(ref, "://") {
		flags := &chartrepo.Entry{CAFile: c.String(flagCAFile), CertFile: c.String(flagCertFile), KeyFile: c.String(flagKeyFile),
			InsecureSkipTLSVerify: c.Bool(flagInsecureTLS), Username: c.String(flagUsername), Password: c.String(flagPassword)}
		return chartrepo.FetchURL(c.Context, repoPaths(c), ref, flags, opts)
	}
	if !chartrepo.IsConfigured(repoPaths(c), ref) {
		repo, _, _ := chartrepo.SplitRef(ref)
		return nil, fmt.Errorf("%s: no such chart directory or file, and repo %s not found (add it with 'berth repo add %s URL')", ref, repo, repo)
	}
	version := chartrepo.VersionConstraint(c.String(flagVersion), c.Bool(flagDevel))
	return chartrepo.Locate(c.Context, repoPaths(c), ref, version, opts)
}

// loadClassic is loadChartRef's hook: ok is false when ref is not a
// classic repository chart. A chart whose .prov was verified has an
// origin: its URL and the signer.
func loadClassic(c *ucli.Context, ref string) (ch *chartfmt.Chart, origin *deployer.Origin, ok bool, err error) {
	var got *chartrepo.Chart
	switch {
	case fromRepoURL(c, ref): // --repo URL
		got, err = fetchFromRepoURL(c, ref)
	case classicRef(ref):
		got, err = fetchClassic(c, ref)
	default:
		return nil, nil, false, nil
	}
	if err != nil {
		return nil, nil, true, err
	}
	if got.Verified != nil {
		origin = originWithProvenance(&deployer.Origin{Ref: got.URL}, got.Verified)
	}
	ch, err = chartfmt.LoadArchive(bytes.NewReader(got.Archive))
	return ch, origin, true, err
}

// classicArchive is the archive bytes of a classic repository's chart.
func classicArchive(c *ucli.Context, ref string) ([]byte, error) {
	got, err := fetchClassic(c, ref)
	if err != nil {
		return nil, err
	}
	return got.Archive, nil
}

// chartDownloadOptions: the chart commands' own --timeout (a wait) does not
// apply to the download, which keeps helm's 120s.
func chartDownloadOptions(c *ucli.Context) chartrepo.Options {
	return chartrepo.Options{UserAgent: "berth/" + c.App.Version}
}
