package chartrepo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/internal/safefs"
	"github.com/berth-dev/berth/oci"
)

// IsClassicRepository reports whether a Chart.yaml dependency repository
// names a classic repository: an http(s):// URL, "@name" or "alias:name".
func IsClassicRepository(repo string) bool {
	return strings.HasPrefix(repo, "https://") || strings.HasPrefix(repo, "http://") ||
		strings.HasPrefix(repo, "@") || strings.HasPrefix(repo, "alias:")
}

// DependencyResult describes the vendored dependencies.
type DependencyResult struct {
	Lock  *chartfmt.Lock
	Files []string // archives written under charts/
}

// depSource is a dependency's repository, resolved.
type depSource struct {
	entry      *Entry // settings to download with (no credentials when not configured)
	url        string // what Chart.lock records
	configured bool   // entry is one of repositories.yaml, with a cached index
}

// DepOptions tune DependencyUpdate and DependencyBuild.
type DepOptions struct {
	// Generated is Chart.lock's time (update only); zero means now.
	Generated time.Time
	// SkipRefresh resolves configured repositories from the index already
	// in the cache (helm's --skip-refresh) instead of downloading it into
	// the cache first. Repositories that are not configured are read from
	// their URL either way.
	SkipRefresh bool
}

// resolveDepRepo maps "@name", "alias:name" or a URL to a repository: a
// configured one (by name, or by equal URL, with its credentials), else the
// URL itself without credentials, as helm does.
func resolveDepRepo(cfg *Config, repo string) (depSource, error) {
	if name, ok := strings.CutPrefix(repo, "@"); ok || strings.HasPrefix(repo, "alias:") {
		if !ok {
			name = strings.TrimPrefix(repo, "alias:")
		}
		if e := cfg.Get(name); e != nil {
			return depSource{entry: e, url: e.URL, configured: true}, nil
		}
		return depSource{}, fmt.Errorf("no repository definition for %s: add it with 'berth repo add %s URL'", repo, name)
	}
	for _, e := range cfg.Repositories {
		if sameURL(e.URL, repo) {
			return depSource{entry: e, url: repo, configured: true}, nil
		}
	}
	return depSource{entry: &Entry{URL: repo}, url: repo}, nil
}

func sameURL(a, b string) bool {
	return strings.TrimSuffix(a, "/") == strings.TrimSuffix(b, "/")
}

// DependencyUpdate resolves every dependency of the chart in dir from its
// classic repository (the newest version in its range, from the index read
// now), vendors the archives under charts/ and writes Chart.lock as helm
// writes it (aliases recorded as the repository URL), plus each archive's
// SHA-256 as the dependency's digest, which build verifies. The index of a
// configured repository is refreshed into the cache first, unless
// dopts.SkipRefresh.
func DependencyUpdate(ctx context.Context, p Paths, dir string, dopts DepOptions, opts Options) (*DependencyResult, error) {
	ch, cfg, err := loadForClassicDeps(p, dir)
	if err != nil {
		return nil, err
	}
	generated := dopts.Generated
	indexes := newDepIndexes(p, dopts.SkipRefresh, opts)
	lock := &chartfmt.Lock{Generated: generated}
	if lock.Generated.IsZero() {
		lock.Generated = time.Now()
	}
	var archives [][]byte
	for _, d := range ch.Metadata.Dependencies {
		src, err := resolveDepRepo(cfg, d.Repository)
		if err != nil {
			return nil, err
		}
		d.Repository = src.url // helm hashes the rewritten requirement
		tgz, cv, err := indexes.fetch(ctx, src, d.Name, d.Version)
		if err != nil {
			return nil, fmt.Errorf("dependency update %s: %w", dir, err)
		}
		archives = append(archives, tgz)
		lock.Dependencies = append(lock.Dependencies, &chartfmt.LockedDependency{Name: d.Name, Version: cv.Version,
			Repository: src.url, Digest: archiveDigest(tgz)})
	}
	if lock.Digest, err = oci.LockDigest(ch.Metadata.Dependencies, lock.Dependencies); err != nil {
		return nil, err
	}
	if old := ch.Lock; generated.IsZero() && old != nil && old.Digest == lock.Digest {
		lock.Generated = old.Generated // unchanged: helm leaves Chart.lock alone
	}
	files, err := vendorArchives(dir, lock.Dependencies, archives)
	if err != nil {
		return nil, err
	}
	return &DependencyResult{Lock: lock, Files: files}, writeLock(dir, lock)
}

// DependencyBuild vendors exactly the versions Chart.lock records, after
// checking that the lock matches Chart.yaml; the indexes are read as
// DependencyUpdate reads them.
func DependencyBuild(ctx context.Context, p Paths, dir string, dopts DepOptions, opts Options) (*DependencyResult, error) {
	ch, cfg, err := loadForClassicDeps(p, dir)
	if err != nil {
		return nil, err
	}
	indexes := newDepIndexes(p, dopts.SkipRefresh, opts)
	if ch.Lock == nil {
		return nil, fmt.Errorf("%s has no Chart.lock: run 'berth dependency update %s'", dir, dir)
	}
	for _, d := range ch.Metadata.Dependencies {
		src, err := resolveDepRepo(cfg, d.Repository)
		if err != nil {
			return nil, err
		}
		d.Repository = src.url
	}
	if sum, err := oci.LockDigest(ch.Metadata.Dependencies, ch.Lock.Dependencies); err != nil || sum != ch.Lock.Digest {
		return nil, errors.New("the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml). Please update the dependencies")
	}
	var archives [][]byte
	for _, l := range ch.Lock.Dependencies {
		src, err := resolveDepRepo(cfg, l.Repository)
		if err != nil {
			return nil, err
		}
		tgz, _, err := indexes.fetch(ctx, src, l.Name, l.Version)
		if err != nil {
			return nil, fmt.Errorf("dependency build %s: %w", dir, err)
		}
		if l.Digest != "" && l.Digest != archiveDigest(tgz) {
			return nil, fmt.Errorf("dependency build %s: %s %s from %s is %s, but Chart.lock pins %s", dir, l.Name, l.Version, redact(l.Repository), archiveDigest(tgz), l.Digest)
		}
		archives = append(archives, tgz)
	}
	files, err := vendorArchives(dir, ch.Lock.Dependencies, archives)
	return &DependencyResult{Lock: ch.Lock, Files: files}, err
}

func loadForClassicDeps(p Paths, dir string) (*chartfmt.Chart, *Config, error) {
	ch, err := chartfmt.LoadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range ch.Metadata.Dependencies {
		if !IsClassicRepository(d.Repository) {
			return nil, nil, fmt.Errorf("dependency %s: repository %q: a chart's dependencies must all come from classic (https://, @name) repositories, or all from oci:// and file://", d.Name, d.Repository)
		}
	}
	cfg, err := LoadConfig(p.Config)
	if err != nil && !errors.Is(err, ErrNoRepositories) {
		return nil, nil, err
	}
	return ch, cfg, nil
}

// depIndexes reads each repository's index once per run: a configured
// repository's from the cache (refreshed first unless skipRefresh), any
// other's from its URL.
type depIndexes struct {
	p           Paths
	skipRefresh bool
	opts        Options
	read        map[string]*IndexFile // by repository name or URL
}

func newDepIndexes(p Paths, skipRefresh bool, opts Options) *depIndexes {
	return &depIndexes{p: p, skipRefresh: skipRefresh, opts: opts, read: map[string]*IndexFile{}}
}

func (d *depIndexes) index(ctx context.Context, src depSource, c *Client) (*IndexFile, error) {
	key := "url:" + src.entry.URL
	if src.configured {
		key = "repo:" + src.entry.Name
	}
	if idx, ok := d.read[key]; ok {
		return idx, nil
	}
	var idx *IndexFile
	var err error
	switch {
	case src.configured && d.skipRefresh:
		if idx, err = CachedIndex(d.p, src.entry.Name); err != nil {
			err = fmt.Errorf("no cached repository for %s found (run 'berth repo update %s', or drop --skip-refresh): %w", src.entry.Name, src.entry.Name, err)
		}
	case src.configured:
		idx, err = Update(ctx, d.p, src.entry, d.opts)
	default:
		_, idx, err = c.FetchIndex(ctx)
	}
	if err != nil {
		return nil, err
	}
	d.read[key] = idx
	return idx, nil
}

// fetch downloads the version of name that rng selects (the newest within
// the range) from the repository's index.
func (d *depIndexes) fetch(ctx context.Context, src depSource, name, rng string) ([]byte, *ChartVersion, error) {
	c, err := NewClient(src.entry, d.opts)
	if err != nil {
		return nil, nil, err
	}
	idx, err := d.index(ctx, src, c)
	if err != nil {
		return nil, nil, err
	}
	cv, err := idx.Get(name, rng)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s from %s: %w", name, rng, redact(src.url), err)
	}
	tgz, err := c.FetchChart(ctx, cv)
	if err != nil {
		return nil, nil, err
	}
	if c.verify != nil { // dependency build/update --verify
		u, err := c.ChartURL(cv)
		if err != nil {
			return nil, nil, err
		}
		if _, _, err := c.verifyProvenance(ctx, u, tgz, c.verify); err != nil {
			return nil, nil, err
		}
	}
	return tgz, cv, nil
}

// vendorArchives writes each archive to charts/<name>-<version>.tgz and
// removes other versions of the same dependencies.
func vendorArchives(dir string, locked []*chartfmt.LockedDependency, archives [][]byte) ([]string, error) {
	charts := filepath.Join(dir, "charts")
	keep := map[string]bool{}
	var files []string
	for i, l := range locked {
		if err := chartfmt.ValidateName(l.Name); err != nil {
			return nil, err
		}
		name := l.Name + "-" + l.Version + ".tgz"
		p, err := safefs.WriteFile(charts, name, archives[i], 0o644)
		if err != nil {
			return nil, err
		}
		keep[name], files = true, append(files, p)
	}
	for _, l := range locked {
		old, _ := filepath.Glob(filepath.Join(charts, l.Name+"-*.tgz"))
		for _, o := range old {
			rest := strings.TrimPrefix(path.Base(filepath.ToSlash(o)), l.Name+"-")
			if !keep[filepath.Base(o)] && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
				if err := os.Remove(o); err != nil {
					return nil, err
				}
			}
		}
	}
	return files, nil
}

// archiveDigest is what berth records for a classic dependency in
// Chart.lock (helm ignores the key): the archive's SHA-256.
func archiveDigest(tgz []byte) string {
	sum := sha256.Sum256(tgz)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func writeLock(dir string, lock *chartfmt.Lock) error {
	b, err := yaml.Marshal(lock)
	if err != nil {
		//lint:ignore ST1005 the file's name
		return fmt.Errorf("Chart.lock: %w", err)
	}
	if _, err := safefs.WriteFile(dir, chartfmt.LockFileName, b, 0o644); err != nil {
		return fmt.Errorf("writing Chart.lock in %s: %w", dir, err)
	}
	return nil
}
