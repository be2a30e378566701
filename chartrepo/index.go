package chartrepo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/Masterminds/semver/v3"
	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/chartfmt"
)

// MaxIndexSize bounds an index.yaml read from a repository or the cache
// (big public repositories serve indexes of a few tens of megabytes).
const MaxIndexSize = 256 << 20

// IndexFile is a repository's index.yaml. Field names are Helm's; marshalled
// with sigs.k8s.io/yaml its keys come out sorted, as helm writes them.
type IndexFile struct {
	ServerInfo  map[string]any           `json:"serverInfo,omitempty"`
	APIVersion  string                   `json:"apiVersion"`
	Generated   time.Time                `json:"generated"`
	Entries     map[string]ChartVersions `json:"entries"`
	PublicKeys  []string                 `json:"publicKeys,omitempty"`
	Annotations map[string]string        `json:"annotations,omitempty"`
}

// ChartVersion is one version of a chart in an index: its Chart.yaml
// metadata inline plus where and when it was published.
type ChartVersion struct {
	*chartfmt.Metadata
	URLs    []string  `json:"urls"`
	Created time.Time `json:"created,omitempty"`
	Removed bool      `json:"removed,omitempty"`
	Digest  string    `json:"digest,omitempty"`
	// Keys of Helm 2 indexes, read and kept so old indexes still load.
	Checksum      string `json:"checksum,omitempty"`
	Engine        string `json:"engine,omitempty"`
	TillerVersion string `json:"tillerVersion,omitempty"`
	URL           string `json:"url,omitempty"`
}

// ChartVersions are a chart's versions, newest first once sorted.
type ChartVersions []*ChartVersion

// ErrEmptyIndex and ErrNoAPIVersion are the index errors helm reports too.
var (
	ErrEmptyIndex   = errors.New("empty index.yaml file")
	ErrNoAPIVersion = errors.New("no API version specified")
)

// NewIndexFile returns an empty index generated now.
func NewIndexFile() *IndexFile {
	return &IndexFile{APIVersion: "v1", Generated: time.Now(), Entries: map[string]ChartVersions{}, PublicKeys: []string{}}
}

// ParseIndex reads index.yaml (or its JSON form). Versions that are null or
// lack a name or version are dropped, as helm drops them; entries are sorted
// newest first.
func ParseIndex(b []byte) (*IndexFile, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, ErrEmptyIndex
	}
	i := &IndexFile{}
	var err error
	if json.Valid(b) {
		err = json.Unmarshal(b, i)
	} else {
		err = yaml.Unmarshal(b, i)
	}
	if err != nil {
		return nil, fmt.Errorf("parsing index: %w", err)
	}
	if i.APIVersion == "" {
		return nil, ErrNoAPIVersion
	}
	if i.Entries == nil {
		i.Entries = map[string]ChartVersions{}
	}
	for name, cvs := range i.Entries {
		kept := cvs[:0]
		for _, cv := range cvs {
			if cv != nil && cv.Metadata != nil && cv.Name != "" && cv.Version != "" {
				kept = append(kept, cv)
			}
		}
		i.Entries[name] = kept
	}
	i.SortEntries()
	return i, nil
}

// SortEntries orders every chart's versions newest first by semver;
// versions that are not semver go last.
func (i *IndexFile) SortEntries() {
	for _, cvs := range i.Entries {
		sort.SliceStable(cvs, func(a, b int) bool { return newer(cvs[a].Version, cvs[b].Version) })
	}
}

func newer(a, b string) bool {
	va, errA := semver.NewVersion(a)
	vb, errB := semver.NewVersion(b)
	switch {
	case errA != nil:
		return false
	case errB != nil:
		return true
	}
	return va.GreaterThan(vb)
}

// Has reports whether the index lists name at exactly version.
func (i *IndexFile) Has(name, version string) bool {
	for _, cv := range i.Entries[name] {
		if cv.Version == version {
			return true
		}
	}
	return false
}

// Merge adds the versions of f that i lacks (by name and version); i's own
// records win. The result is unsorted until SortEntries.
func (i *IndexFile) Merge(f *IndexFile) {
	for _, cvs := range f.Entries {
		for _, cv := range cvs {
			if !i.Has(cv.Name, cv.Version) {
				i.Entries[cv.Name] = append(i.Entries[cv.Name], cv)
			}
		}
	}
}

// Marshal returns the index as YAML, or as indented JSON when asJSON.
func (i *IndexFile) Marshal(asJSON bool) ([]byte, error) {
	if asJSON {
		return json.MarshalIndent(i, "", "  ")
	}
	return yaml.Marshal(i)
}
