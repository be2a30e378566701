package chartfmt

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/berth-dev/berth/internal/safefs"
)

// DefaultModTime is the modification time of every entry of a package when
// SOURCE_DATE_EPOCH is not set. Helm v3 stamps time.Now() (so its packages
// never reproduce); a fixed time makes the same chart give the same bytes on
// any machine and any day. 1980-01-01 is the usual reproducible-builds epoch
// (the earliest time a zip can hold).
var DefaultModTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// gzipExtra and gzipComment are the gzip header fields Helm v3 writes; with
// them (and MTIME 0, OS 255, default level) berth's header bytes match Helm's.
const (
	gzipExtra   = "+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo="
	gzipComment = "Helm"
)

// PackageOptions changes what Package writes.
type PackageOptions struct {
	Version    string    // overrides Chart.yaml's version (helm package --version)
	AppVersion string    // overrides Chart.yaml's appVersion (--app-version)
	ModTime    time.Time // entry time; zero means DefaultModTime
}

// SourceDateEpoch parses a SOURCE_DATE_EPOCH value (seconds since the Unix
// epoch). An empty value gives the zero time, meaning "not set".
func SourceDateEpoch(value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	secs, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
	if err != nil || secs < 0 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q is not a non-negative number of seconds", value)
	}
	return time.Unix(secs, 0).UTC(), nil
}

// PackageFileName is the archive name Helm gives a chart: name-version.tgz.
func PackageFileName(c *Chart) string {
	return fmt.Sprintf("%s-%s.tgz", c.Name(), c.Metadata.Version)
}

// Package returns the chart as a .tgz that Helm v3.22.0 loads like the
// source. The bytes depend only on the chart's content and opts: entries in
// Helm's order (Chart.yaml re-serialised, Chart.lock, values.yaml,
// values.schema.json, templates, other files, then subcharts sorted by name,
// .tgz subcharts expanded), mode 0644, no directory entries, one fixed time.
// File modes, owners, mtimes and directory order of the source never reach
// the archive. (The deflate stream is Go's compress/flate at the default
// level, as in Helm; a Go release that changed its output would change the
// bytes, never the content.)
func Package(c *Chart, opts PackageOptions) ([]byte, error) {
	c, err := withOverrides(c, opts)
	if err != nil {
		return nil, err
	}
	if err := CheckDependencies(c); err != nil {
		return nil, fmt.Errorf("package %s: %w", c.Name(), err)
	}
	mtime := opts.ModTime
	if mtime.IsZero() {
		mtime = DefaultModTime
	}
	var buf bytes.Buffer
	if err := WriteArchive(&buf, c, mtime); err != nil {
		return nil, fmt.Errorf("package %s: %w", c.Name(), err)
	}
	return buf.Bytes(), nil
}

// PackageToDir packages the chart into dir (created if missing) as
// name-version.tgz, atomically: a temporary file renamed into place, so a
// failure never leaves a partial archive. It returns the archive's path.
func PackageToDir(c *Chart, dir string, opts PackageOptions) (string, error) {
	c, err := withOverrides(c, opts)
	if err != nil {
		return "", err
	}
	data, err := Package(c, PackageOptions{ModTime: opts.ModTime})
	if err != nil {
		return "", err
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return "", fmt.Errorf("package destination %s is not a directory", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("package destination: %w", err)
	}
	dest, err := safefs.WriteFile(dir, PackageFileName(c), data, 0o644)
	if err != nil {
		return "", fmt.Errorf("write %s: %w", PackageFileName(c), err)
	}
	return dest, nil
}

// withOverrides returns c with --version/--app-version applied to a copy of
// its metadata (the caller's chart is left alone), validated.
func withOverrides(c *Chart, opts PackageOptions) (*Chart, error) {
	if c == nil || c.Metadata == nil {
		return nil, errors.New("package: chart has no Chart.yaml")
	}
	if opts.Version == "" && opts.AppVersion == "" {
		return c, nil
	}
	md := *c.Metadata
	if opts.Version != "" {
		if !isSemver(opts.Version) {
			return nil, fmt.Errorf("package: --version %q is not a valid semantic version", opts.Version)
		}
		md.Version = opts.Version
	}
	if opts.AppVersion != "" {
		md.AppVersion = opts.AppVersion
	}
	cp := *c
	cp.Metadata = &md
	return &cp, nil
}

// WriteArchive writes the chart as a gzipped tar to w, every entry stamped
// with mtime (truncated to the second).
func WriteArchive(w io.Writer, c *Chart, mtime time.Time) error {
	zw, err := gzip.NewWriterLevel(w, gzip.DefaultCompression)
	if err != nil {
		return err
	}
	zw.Extra = []byte(gzipExtra)
	zw.Comment = gzipComment
	tw := tar.NewWriter(zw)
	aw := archiveWriter{tw: tw, mtime: mtime.UTC().Truncate(time.Second)}
	if err := aw.chart(c, ""); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

type archiveWriter struct {
	tw    *tar.Writer
	mtime time.Time
}

func (a archiveWriter) chart(c *Chart, prefix string) error {
	if err := c.Metadata.Validate(); err != nil {
		return fmt.Errorf("%s: %w", path.Join(prefix, c.Name(), ChartFileName), err)
	}
	if err := ValidateName(c.Name()); err != nil {
		return err
	}
	base := path.Join(prefix, c.Name())
	if err := a.meta(c, base); err != nil {
		return err
	}
	if c.RawValues != nil {
		if err := a.file(base, ValuesFileName, c.RawValues); err != nil {
			return err
		}
	}
	if c.Schema != nil {
		if !json.Valid(c.Schema) {
			return fmt.Errorf("%s: invalid JSON", path.Join(base, SchemaFileName))
		}
		if err := a.file(base, SchemaFileName, c.Schema); err != nil {
			return err
		}
	}
	for _, group := range [][]*File{c.Templates, c.Files} {
		for _, f := range group {
			if err := a.file(base, f.Name, f.Data); err != nil {
				return err
			}
		}
	}
	for _, sc := range c.Dependencies {
		if err := a.chart(sc, path.Join(base, "charts")); err != nil {
			return err
		}
	}
	return nil
}

// meta writes Chart.yaml and Chart.lock re-serialised as Helm does: keys
// sorted, v1 dependencies left to requirements.yaml (kept in Files), and
// the lock only for apiVersion v2.
func (a archiveWriter) meta(c *Chart, base string) error {
	md := *c.Metadata
	if md.APIVersion == APIVersionV1 {
		md.Dependencies = nil
	}
	chartYAML, err := yaml.Marshal(&md)
	if err != nil {
		return fmt.Errorf("serialise %s: %w", ChartFileName, err)
	}
	if err := a.file(base, ChartFileName, chartYAML); err != nil {
		return err
	}
	if md.APIVersion != APIVersionV2 || c.Lock == nil {
		return nil
	}
	lock, err := yaml.Marshal(c.Lock)
	if err != nil {
		return fmt.Errorf("serialise %s: %w", LockFileName, err)
	}
	return a.file(base, LockFileName, lock)
}

func (a archiveWriter) file(base, name string, data []byte) error {
	hdr := &tar.Header{
		Name:     path.Join(base, name),
		Mode:     0o644,
		Size:     int64(len(data)),
		ModTime:  a.mtime,
		Typeflag: tar.TypeReg,
	}
	if err := a.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write %s: %w", hdr.Name, err)
	}
	if _, err := a.tw.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", hdr.Name, err)
	}
	return nil
}
