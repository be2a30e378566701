package chartsource

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/berth-dev/berth/chartrepo"
	"github.com/berth-dev/berth/oci"
)

// Kind is where a reference points.
type Kind int

const (
	// Local is a chart directory or archive on disk.
	Local Kind = iota
	// OCI is an oci:// reference.
	OCI
	// Repo is REPO/CHART of a repository added with `repo add`.
	Repo
	// URL is an http(s):// chart archive.
	URL
	// RepoURL is a chart name in the index of Options.Repo.URL.
	RepoURL
)

func (k Kind) String() string {
	return [...]string{"local chart", "oci:// chart", "repository chart", "chart URL", "--repo chart"}[k]
}

// Classic reports whether k is a chart of a classic (index.yaml) repository.
func (k Kind) Classic() bool { return k == Repo || k == URL || k == RepoURL }

// KindOf says how Resolve reads ref with these options. A local file or
// directory wins over REPO/CHART and over a --repo chart name, as in helm
// (the latter with a warning, see Resolve).
func KindOf(ref string, o Options) Kind {
	if o.Repo.URL != "" && (o.Repo.AlwaysURL || !exists(ref)) {
		return RepoURL
	}
	switch {
	case strings.HasPrefix(ref, oci.Scheme):
		return OCI
	case strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://"):
		return URL
	case strings.HasPrefix(ref, ".") || filepath.IsAbs(ref) || exists(ref):
		return Local
	}
	if _, _, ok := chartrepo.SplitRef(ref); ok {
		return Repo
	}
	return Local
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
