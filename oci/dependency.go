package oci

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/chartfmt/provenance"
	"github.com/berth-dev/berth/internal/safefs"
)

// DependencyOptions change how dependencies are resolved and recorded.
type DependencyOptions struct {
	// Generated is Chart.lock's generated time; zero keeps the time of the
	// existing lock when the resolution did not change, else uses time.Now().
	Generated time.Time
	// Verify, when set, refuses an oci:// dependency unless its provenance
	// layer verifies with a key of this keyring (helm's --verify).
	Verify *provenance.Keyring
}

// DependencyResult describes the vendored dependencies.
type DependencyResult struct {
	Lock  *chartfmt.Lock
	Files []string // archives written under charts/
	// Unpinned lists dependencies built from a lock entry without a digest
	// (a lock written by Helm): fetched by version, so not verified.
	Unpinned []string
}

// fetched is one resolved dependency archive.
type fetched struct {
	locked *chartfmt.LockedDependency
	chart  string // the name in the archive's Chart.yaml, which names the file
	tgz    []byte
}

// DependencyUpdate resolves every dependency of the chart in dir against its
// repository (oci:// and file://), vendors the archives under charts/ and
// writes Chart.lock with each OCI dependency's manifest digest.
func (c *Client) DependencyUpdate(ctx context.Context, dir string, opts DependencyOptions) (*DependencyResult, error) {
	ch, err := loadForDeps(dir)
	if err != nil {
		return nil, err
	}
	var got []fetched
	for _, d := range ch.Metadata.Dependencies {
		f, err := c.fetchDependency(ctx, dir, d.Name, d.Repository, PullOptions{Version: d.Version}, "", opts.Verify)
		if err != nil {
			return nil, fmt.Errorf("dependency update %s: %w", dir, err)
		}
		got = append(got, f)
	}
	lock := &chartfmt.Lock{}
	for _, f := range got {
		lock.Dependencies = append(lock.Dependencies, f.locked)
	}
	if lock.Digest, err = LockDigest(ch.Metadata.Dependencies, lock.Dependencies); err != nil {
		return nil, err
	}
	lock.Generated = generatedTime(opts.Generated, ch.Lock, lock)
	files, err := vendor(dir, got)
	if err != nil {
		return nil, fmt.Errorf("dependency update %s: %w", dir, err)
	}
	if err := writeLock(dir, lock); err != nil {
		return nil, err
	}
	return &DependencyResult{Lock: lock, Files: files}, nil
}

// DependencyBuild vendors exactly what Chart.lock records: OCI dependencies
// by their manifest digest (verified, and checked to hold the locked name and
// version), after checking the lock is in sync with Chart.yaml.
func (c *Client) DependencyBuild(ctx context.Context, dir string) (*DependencyResult, error) {
	return c.DependencyBuildWith(ctx, dir, DependencyOptions{})
}

// DependencyBuildWith is DependencyBuild with options (Generated is unused).
func (c *Client) DependencyBuildWith(ctx context.Context, dir string, opts DependencyOptions) (*DependencyResult, error) {
	ch, err := loadForDeps(dir)
	if err != nil {
		return nil, err
	}
	if ch.Lock == nil {
		return nil, fmt.Errorf("dependency build %s: no Chart.lock; run `berth dependency update` first", dir)
	}
	sum, err := LockDigest(ch.Metadata.Dependencies, ch.Lock.Dependencies)
	if err != nil {
		return nil, err
	}
	if sum != ch.Lock.Digest {
		return nil, fmt.Errorf("dependency build %s: Chart.lock is out of sync with Chart.yaml; run `berth dependency update`", dir)
	}
	res := &DependencyResult{Lock: ch.Lock}
	var got []fetched
	for _, l := range ch.Lock.Dependencies {
		if l.Digest == "" && strings.HasPrefix(l.Repository, Scheme) {
			res.Unpinned = append(res.Unpinned, l.Name)
		}
		f, err := c.fetchDependency(ctx, dir, l.Name, l.Repository, PullOptions{Version: l.Version}, l.Digest, opts.Verify)
		if err != nil {
			return nil, fmt.Errorf("dependency build %s: %w", dir, err)
		}
		if f.locked.Version != l.Version {
			return nil, fmt.Errorf("dependency build %s: %s@%s holds version %s, Chart.lock says %s",
				dir, l.Name, l.Digest, f.locked.Version, l.Version)
		}
		got = append(got, f)
	}
	if res.Files, err = vendor(dir, got); err != nil {
		return nil, fmt.Errorf("dependency build %s: %w", dir, err)
	}
	return res, nil
}

// fetchDependency gets one dependency archive: from an OCI repository (by
// digest when pinned) or by packaging a file:// chart directory.
func (c *Client) fetchDependency(ctx context.Context, dir, name, repo string, opts PullOptions, pinned string, verify *provenance.Keyring) (fetched, error) {
	if err := checkDependencyName(name); err != nil {
		return fetched{}, err
	}
	switch {
	case strings.HasPrefix(repo, Scheme):
		ref := strings.TrimSuffix(repo, "/") + "/" + name
		if pinned != "" {
			ref += "@" + pinned
			opts.Version = "" // the digest decides; the version is checked after
		}
		p, err := c.Pull(ctx, ref, opts)
		if err != nil {
			return fetched{}, err
		}
		if p.Metadata.Name != name {
			return fetched{}, fmt.Errorf("%s holds chart %q, not %q", p.Ref, p.Metadata.Name, name)
		}
		if verify != nil {
			if _, err := p.VerifyProvenance(verify); err != nil {
				return fetched{}, err
			}
		}
		return fetched{tgz: p.Chart, chart: p.Metadata.Name,
			locked: &chartfmt.LockedDependency{Name: name, Version: p.Metadata.Version, Repository: repo, Digest: p.Digest}}, nil
	case strings.HasPrefix(repo, "file://"):
		sub, err := chartfmt.LoadDir(filepath.Join(dir, strings.TrimPrefix(repo, "file://")))
		if err != nil {
			return fetched{}, fmt.Errorf("dependency %s: %w", name, err)
		}
		tgz, err := chartfmt.Package(sub, chartfmt.PackageOptions{})
		if err != nil {
			return fetched{}, fmt.Errorf("dependency %s: %w", name, err)
		}
		return fetched{tgz: tgz, chart: sub.Metadata.Name,
			locked: &chartfmt.LockedDependency{Name: name, Version: sub.Metadata.Version, Repository: repo}}, nil
	}
	return fetched{}, fmt.Errorf("dependency %s: repository %q: berth resolves oci:// and file:// repositories only", name, repo)
}

// checkDependencyName refuses a name that could not be a chart's name: it
// becomes part of a reference and (through the chart) of a file name.
func checkDependencyName(name string) error {
	if err := checkChartName(name); err != nil {
		return fmt.Errorf("dependency name %q is not a valid chart name", name)
	}
	return nil
}

func loadForDeps(dir string) (*chartfmt.Chart, error) {
	ch, err := chartfmt.LoadDir(dir)
	if err != nil {
		return nil, err
	}
	if ch.Metadata.APIVersion == "v1" {
		return nil, fmt.Errorf("%s: apiVersion v1 charts (requirements.yaml) are not supported; use apiVersion v2", dir)
	}
	return ch, nil
}

// vendor writes each archive to charts/<chart>-<version>.tgz (named from the
// chart inside, as Helm does) atomically and then removes older archives of
// the same dependencies. Every write stays under charts/.
func vendor(dir string, deps []fetched) ([]string, error) {
	charts := filepath.Join(dir, "charts")
	if err := os.MkdirAll(charts, 0o755); err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	var files []string
	for _, d := range deps {
		if err := checkChartName(d.chart); err != nil {
			return nil, err
		}
		name := d.chart + "-" + d.locked.Version + ".tgz"
		p, err := safefs.WriteFile(charts, name, d.tgz, 0o644)
		if err != nil {
			return nil, err
		}
		keep[name] = true
		files = append(files, p)
	}
	for _, d := range deps {
		old, _ := filepath.Glob(filepath.Join(charts, d.chart+"-*.tgz"))
		for _, o := range old {
			rest := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(o), d.chart+"-"), ".tgz")
			if !keep[filepath.Base(o)] && looksLikeVersion(rest) {
				if err := os.Remove(o); err != nil {
					return nil, err
				}
			}
		}
	}
	return files, nil
}

// looksLikeVersion tells "1.2.3" from the tail of another chart's name
// ("common-1.0.0" vs "common-lib-1.0.0").
func looksLikeVersion(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func generatedTime(t time.Time, old, lock *chartfmt.Lock) time.Time {
	switch {
	case !t.IsZero():
		return t.UTC()
	case old != nil && sameLock(old, lock):
		return old.Generated
	}
	return time.Now()
}

func sameLock(a, b *chartfmt.Lock) bool {
	if a.Digest != b.Digest || len(a.Dependencies) != len(b.Dependencies) {
		return false
	}
	for i := range a.Dependencies {
		if *a.Dependencies[i] != *b.Dependencies[i] {
			return false
		}
	}
	return true
}

func writeLock(dir string, lock *chartfmt.Lock) error {
	b, err := yaml.Marshal(lock)
	if err != nil {
		//lint:ignore ST1005 the file's name
		return fmt.Errorf("Chart.lock: %w", err)
	}
	if _, err := safefs.WriteFile(dir, chartfmt.LockFileName, b, 0o644); err != nil {
		return errors.Join(fmt.Errorf("write Chart.lock in %s", dir), err)
	}
	return nil
}
