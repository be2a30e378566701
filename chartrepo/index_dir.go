package chartrepo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/internal/safefs"
)

// MaxIndexedArchives bounds the charts one IndexDirectory call reads.
const MaxIndexedArchives = 100_000

// IndexDirectory indexes the chart archives in dir and its immediate
// subdirectories (as `helm repo index` does: *.tgz and */*.tgz), with URLs
// baseURL/<subdir>/<file> (relative paths without baseURL), the archive's
// SHA-256 as digest and now as created. Files that are not charts are
// skipped; a chart with invalid metadata fails the run.
func IndexDirectory(dir, baseURL string) (*IndexFile, error) {
	top, err := filepath.Glob(filepath.Join(dir, "*.tgz"))
	if err != nil {
		return nil, err
	}
	sub, err := filepath.Glob(filepath.Join(dir, "*", "*.tgz"))
	if err != nil {
		return nil, err
	}
	archives := append(top, sub...)
	if len(archives) > MaxIndexedArchives {
		return nil, fmt.Errorf("%s holds more than %d chart archives", dir, MaxIndexedArchives)
	}
	idx := NewIndexFile()
	for _, a := range archives {
		if err := addArchive(idx, dir, a, baseURL); err != nil {
			return nil, err
		}
	}
	return idx, nil
}

func addArchive(idx *IndexFile, dir, archive, baseURL string) error {
	rel, err := filepath.Rel(dir, archive)
	if err != nil {
		return err
	}
	parent, file := filepath.Split(rel)
	parent = strings.TrimSuffix(parent, string(os.PathSeparator))
	b, err := readBounded(archive, MaxChartArchiveSize)
	if err != nil {
		return nil //nolint:nilerr // like helm: what cannot be read as a chart is not one
	}
	ch, err := chartfmt.LoadArchive(bytes.NewReader(b))
	if err != nil {
		return nil //nolint:nilerr // not a chart
	}
	md := ch.Metadata
	if md.APIVersion == "" {
		md.APIVersion = "v1"
	}
	if err := md.Validate(); err != nil {
		return fmt.Errorf("failed adding to %s to index: validate failed for %s: %w", file, file, err)
	}
	u := file
	if p := joinURL(baseURL, filepath.ToSlash(parent)); p != "" {
		u = joinURL(p, file)
	}
	sum := sha256.Sum256(b)
	cv := &ChartVersion{Metadata: md, URLs: []string{u}, Digest: hex.EncodeToString(sum[:]), Created: time.Now()}
	idx.Entries[md.Name] = append(idx.Entries[md.Name], cv)
	return nil
}

// joinURL appends elems to base's path (path.Join semantics), falling back
// to a plain path join when base is not a URL.
func joinURL(base string, elems ...string) string {
	u, err := url.Parse(base)
	if err != nil {
		return path.Join(append([]string{base}, elems...)...)
	}
	u.Path = path.Join(append([]string{u.Path}, elems...)...)
	return u.String()
}

// WriteIndex writes idx to path atomically (mode 0644), sorted, as YAML or
// indented JSON.
func WriteIndex(idx *IndexFile, path string, asJSON bool) error {
	idx.SortEntries()
	b, err := idx.Marshal(asJSON)
	if err != nil {
		return err
	}
	if _, err := safefs.WriteFile(filepath.Dir(path), filepath.Base(path), b, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// IndexRepository writes dir/index.yaml for the archives in dir; with
// mergeFrom, the versions of that index the directory lacks are kept (a
// missing mergeFrom is first written as an empty index, as helm does).
func IndexRepository(dir, baseURL, mergeFrom string, asJSON bool) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	idx, err := IndexDirectory(dir, baseURL)
	if err != nil {
		return err
	}
	if mergeFrom != "" {
		other, err := loadOrCreate(mergeFrom, asJSON)
		if err != nil {
			return fmt.Errorf("merge failed: %w", err)
		}
		idx.Merge(other)
	}
	return WriteIndex(idx, filepath.Join(dir, "index.yaml"), asJSON)
}

func loadOrCreate(path string, asJSON bool) (*IndexFile, error) {
	b, err := readBounded(path, MaxIndexSize)
	if errors.Is(err, fs.ErrNotExist) {
		empty := NewIndexFile()
		return empty, WriteIndex(empty, path, asJSON)
	}
	if err != nil {
		return nil, err
	}
	idx, err := ParseIndex(b)
	if err != nil {
		return nil, fmt.Errorf("error loading %s: %w", path, err)
	}
	return idx, nil
}
