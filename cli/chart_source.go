package cli

import (
	"errors"
	"fmt"

	ucli "github.com/urfave/cli/v2"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/chartfmt/provenance"
	"github.com/berth-dev/berth/chartrepo"
	"github.com/berth-dev/berth/chartsource"
	"github.com/berth-dev/berth/deployer"
	"github.com/berth-dev/berth/oci"
)

// chartSourceOptions maps the flags of a command that reads a CHART onto
// the resolver's options, in this one place: --version, --devel, the
// verification flags, the registry flags, --repo and the classic
// repository flags. A flag the command lacks reads as its zero value.
func chartSourceOptions(c *ucli.Context, form chartsource.Form) (chartsource.Options, error) {
	var policy chartsource.Policy
	if findFlag(c.Command.Flags, flagVerify) != nil { // elsewhere (copy) --key is a signing key
		var err error
		if policy, err = verifyPolicy(c); err != nil {
			return chartsource.Options{}, err
		}
	}
	o := chartsource.Options{
		Version: c.String(flagVersion), Devel: c.Bool(flagDevel), Verify: policy, Form: form,
		Registry: func() (*oci.Client, error) { return registryClient(c) },
		Repo: chartsource.RepoOptions{Paths: repoPaths(c), URL: c.String(flagRepoURL),
			Entry: chartrepo.Entry{Username: c.String(flagUsername), Password: c.String(flagPassword),
				CAFile: c.String(flagCAFile), CertFile: c.String(flagCertFile), KeyFile: c.String(flagKeyFile),
				InsecureSkipTLSVerify: c.Bool(flagInsecureTLS), PassCredentialsAll: c.Bool(flagPassCreds)},
			Download: downloadOptions(c, nil)},
		Warn: func(msg string) { fmt.Fprintln(c.App.ErrWriter, msg) },
	}
	var err error
	if form == chartsource.FormArchive { // a chart directory is packaged
		o.Created, err = sourceDateEpoch(c)
	}
	return o, err
}

// resolveChart loads CHART for the commands that render it; origin is what
// a release records about it (nil: nothing worth recording).
func resolveChart(c *ucli.Context, ref string) (*chartfmt.Chart, *deployer.Origin, error) {
	o, err := chartSourceOptions(c, chartsource.FormChart)
	if err != nil {
		return nil, nil, err
	}
	src, err := chartsource.Resolve(c.Context, ref, o)
	if err != nil {
		return nil, nil, err
	}
	return src.Chart, releaseOrigin(src), nil
}

// releaseOrigin maps a resolved chart's origin onto the release record's:
// recorded when the chart is pinned by a registry digest or was verified
// (a chart on disk or a repository's archive without either says nothing
// more than the chart's name and version already do).
func releaseOrigin(src *chartsource.Source) *deployer.Origin {
	if src.Kind != chartsource.OCI && len(src.Origin.Verified) == 0 {
		return nil
	}
	return &deployer.Origin{Ref: src.Origin.Ref, Verified: src.Origin.Verified}
}

// verifyPolicy reads --verify with --key cosign.pub... (cosign signatures in
// the registry), --verify with --keyring (the chart's PGP .prov) and
// --verify-images; the zero policy without --verify.
func verifyPolicy(c *ucli.Context) (chartsource.Policy, error) {
	keys := arrayValue(c, flagSigKey)
	verify := c.Bool(flagVerify)
	switch {
	case c.Bool(flagVerImgs) && (!verify || len(keys) == 0):
		return chartsource.Policy{}, errors.New("--verify-images needs --verify and --key")
	case !verify && len(keys) > 0:
		return chartsource.Policy{}, errors.New("--key is given without --verify")
	}
	ring, err := provenanceKeyring(c)
	if err != nil || !verify {
		return chartsource.Policy{}, err
	}
	p := chartsource.Policy{CosignKeys: keys, Keyring: ring, Images: c.Bool(flagVerImgs)}
	if p.Images { // the images the chart renders with these values
		p.ImageValues, err = valueOptions(c).Merge(c.Context)
	}
	return p, err
}

// downloadOptions are the classic repository download options: the
// chart commands' own --timeout (a wait) does not apply to a download,
// which keeps helm's 120s; ring verifies each archive's .prov; pull --prov
// fetches it unverified.
func downloadOptions(c *ucli.Context, ring *provenance.Keyring) chartrepo.Options {
	return chartrepo.Options{UserAgent: "berth/" + c.App.Version, Verify: ring, Prov: c.Bool(flagProv)}
}
