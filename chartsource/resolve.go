package chartsource

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/chartfmt/provenance"
	"github.com/berth-dev/berth/chartrepo"
	"github.com/berth-dev/berth/oci"
)

// Resolve reads the chart ref names (see KindOf), verifies it as
// o.Verify asks before anything else uses it, and says where it came from.
func Resolve(ctx context.Context, ref string, o Options) (*Source, error) {
	kind := KindOf(ref, o)
	if !o.accepts(kind) {
		kind = o.Accept[0] // a command that takes only paths reads every argument as one
	}
	if len(o.Verify.CosignKeys) > 0 && kind != OCI { // never a silently skipped check
		if kind.Classic() {
			return nil, errors.New("--verify --key checks cosign signatures in a registry: a classic repository's chart is verified with its .prov and --keyring, without --key")
		}
		return nil, fmt.Errorf("--verify --key checks cosign signatures in a registry: give an oci:// chart, not %s (or verify its .prov with --keyring instead of --key)", ref)
	}
	if o.Repo.URL != "" && kind != RepoURL {
		o.warn(fmt.Sprintf("install.go:759: WARN local chart found in current working directory. repository url ignored chart=%s repository=%s", ref, redact(o.Repo.URL)))
	}
	switch kind {
	case OCI:
		return resolveOCI(ctx, ref, o)
	case Repo, URL, RepoURL:
		return resolveClassic(ctx, kind, ref, o)
	}
	return resolveLocal(ref, o)
}

// ResolveAll resolves several references at once (oci:// ones pulled
// concurrently); every one is verified before any is returned.
func ResolveAll(ctx context.Context, refs []string, o Options) ([]*Source, error) {
	o.Registry = once(o.Registry)
	out := make([]*Source, len(refs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(oci.DefaultParallel)
	for i, ref := range refs {
		g.Go(func() (err error) {
			out[i], err = Resolve(ctx, ref, o)
			return err
		})
	}
	return out, g.Wait()
}

func resolveOCI(ctx context.Context, ref string, o Options) (*Source, error) {
	if o.Registry == nil {
		return nil, fmt.Errorf("%s: no registry client", ref)
	}
	client, err := o.Registry()
	if err != nil {
		return nil, err
	}
	opts := oci.PullOptions{Version: o.Version, Devel: o.Devel}
	if keys := o.Verify.CosignKeys; len(keys) > 0 {
		opts.Verify = &oci.VerifyOptions{KeyFiles: keys}
	}
	res, err := client.Pull(ctx, ref, opts)
	if err != nil {
		return nil, err
	}
	src := &Source{Kind: OCI, Archive: res.Chart, Metadata: res.Metadata, Ref: res.Ref.WithDigest("").String(),
		FileName: res.FileName(), Prov: res.Prov, Cached: res.Cached, Warnings: res.Warnings,
		Origin: Origin{Ref: res.Ref.Pinned(), Digest: res.Digest}}
	if opts.Verify != nil {
		src.Origin.Verified = append(src.Origin.Verified, cosignVerified("chart signature", opts.Verify.KeyFiles))
	}
	if o.Verify.Keyring != nil {
		v, err := res.VerifyProvenance(o.Verify.Keyring)
		if err != nil {
			return nil, err
		}
		src.addProvenance(v)
	}
	if o.Form == FormArchive {
		return src, nil
	}
	if src.Chart, err = chartfmt.LoadArchive(bytes.NewReader(res.Chart)); err != nil {
		return nil, fmt.Errorf("%s: %w", res.Ref, err)
	}
	if o.Verify.Images && opts.Verify != nil {
		if _, err := client.VerifyImages(ctx, src.Chart, o.Verify.ImageValues, "", *opts.Verify); err != nil {
			return nil, err
		}
		src.Origin.Verified = append(src.Origin.Verified, cosignVerified("image signatures", opts.Verify.KeyFiles))
	}
	return src, nil
}

func resolveClassic(ctx context.Context, kind Kind, ref string, o Options) (*Source, error) {
	got, err := fetchClassic(ctx, kind, ref, o)
	if err != nil {
		return nil, err
	}
	meta, err := chartfmt.ArchiveMetadata(bytes.NewReader(got.Archive))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	sum := sha256.Sum256(got.Archive)
	src := &Source{Kind: kind, Archive: got.Archive, Metadata: meta, Ref: got.URL, FileName: archiveName(got.URL, meta),
		Prov: got.Prov, Warnings: got.Warnings, Origin: Origin{Ref: got.URL, Digest: "sha256:" + hex.EncodeToString(sum[:])}}
	src.addProvenance(got.Verified)
	if o.Form == FormChart {
		src.Chart, err = chartfmt.LoadArchive(bytes.NewReader(got.Archive))
	}
	return src, err
}

// fetchClassic downloads the chart that ref, the version and devel select.
func fetchClassic(ctx context.Context, kind Kind, ref string, o Options) (*chartrepo.Chart, error) {
	dl := o.Repo.Download
	dl.Verify = o.Verify.Keyring // the .prov too
	version := chartrepo.VersionConstraint(o.Version, o.Devel)
	switch kind {
	case RepoURL:
		e := o.Repo.Entry
		e.URL = o.Repo.URL
		return chartrepo.FindInRepoURL(ctx, &e, ref, version, dl)
	case URL:
		e := o.Repo.Entry
		e.URL, e.PassCredentialsAll = "", false
		return chartrepo.FetchURL(ctx, o.Repo.Paths, ref, &e, dl)
	}
	if !chartrepo.IsConfigured(o.Repo.Paths, ref) {
		repo, _, _ := chartrepo.SplitRef(ref)
		return nil, fmt.Errorf("%s: no such chart directory or file, and repo %s not found (add it with 'berth repo add %s URL')", ref, repo, repo)
	}
	return chartrepo.Locate(ctx, o.Repo.Paths, ref, version, dl)
}

// resolveLocal reads a chart on disk; with a keyring, ARCHIVE.prov next to
// the archive must verify it first (as helm install/template --verify do).
func resolveLocal(ref string, o Options) (*Source, error) {
	src := &Source{Kind: Local, Ref: ref}
	if o.Verify.Keyring != nil {
		v, err := provenance.VerifyFile(o.Verify.Keyring, ref)
		if err != nil {
			return nil, err
		}
		abs, err := filepath.Abs(ref)
		if err != nil {
			return nil, err
		}
		src.Origin.Ref = abs
		src.addProvenance(v)
	}
	var err error
	if o.Form == FormArchive {
		if src.Archive, err = localArchive(ref, o.Created); err != nil {
			return nil, err
		}
		if prov, err := os.ReadFile(ref + provenance.Ext); err == nil { // carried along, as helm push does
			src.Prov = prov
		}
		return src, nil
	}
	if src.Chart, err = chartfmt.Load(ref); err != nil {
		return nil, err
	}
	src.Metadata = src.Chart.Metadata
	return src, nil
}

// localArchive reads a .tgz as it is, or packages a chart directory
// reproducibly (stamped with created).
func localArchive(ref string, created time.Time) ([]byte, error) {
	fi, err := os.Stat(ref)
	if err != nil {
		return nil, fmt.Errorf("push: %w", err)
	}
	if !fi.IsDir() {
		return os.ReadFile(ref)
	}
	ch, err := chartfmt.LoadDir(ref)
	if err != nil {
		return nil, err
	}
	return chartfmt.Package(ch, chartfmt.PackageOptions{ModTime: created})
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

// redact hides the password of a URL for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}

// once makes the registry client of concurrent resolutions one client.
func once(f func() (*oci.Client, error)) func() (*oci.Client, error) {
	if f == nil {
		return nil
	}
	return sync.OnceValues(f)
}
