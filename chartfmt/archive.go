package chartfmt

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"strings"
)

// Limits on what a chart may hold. The sizes are Helm's; the entry cap is
// berth's own guard against archives of millions of empty files, whose tar
// headers cost memory and time without counting towards the size limits.
// Unlike Helm, the limits cover a chart with all its nested .tgz subcharts
// together, so archives nested in archives cannot multiply them.
const (
	MaxChartSize      = 100 << 20 // decompressed bytes of all files together
	MaxFileSize       = 5 << 20   // decompressed bytes of one file
	MaxArchiveEntries = 100_000
	MaxChartDepth     = 32 // levels of charts/ nesting

	// Tar headers, PAX records and padding are not files, so the byte
	// budget does not see them: each archive may spend headerSlack on them
	// plus headerPerEntry per entry (a header block, a PAX block with a
	// long name, padding), which no archive written by a tool needs more of.
	headerSlack    = 8 << 20
	headerPerEntry = 3 << 10
)

// loadBudget is what is left of the limits while one chart tree loads.
type loadBudget struct {
	bytes   int64
	entries int
	depth   int
}

func newLoadBudget() *loadBudget {
	return &loadBudget{bytes: MaxChartSize, entries: MaxArchiveEntries}
}

var (
	utf8BOM       = []byte{0xEF, 0xBB, 0xBF}
	drivePathLike = regexp.MustCompile(`^[a-zA-Z]:/`)
)

// LoadArchiveFile loads a chart from a .tgz file.
func LoadArchiveFile(name string) (*Chart, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	defer f.Close()
	c, err := LoadArchive(f)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	return c, nil
}

// LoadArchive loads a chart from a gzipped tar stream such as `helm package`
// writes. Like Helm, the first path component (the chart's directory name) is
// dropped whatever it is, and .helmignore is not applied.
func LoadArchive(r io.Reader) (*Chart, error) {
	return loadArchive(r, newLoadBudget())
}

func loadArchive(r io.Reader, b *loadBudget) (*Chart, error) {
	files, err := readArchiveFiles(r, b)
	if err != nil {
		return nil, err
	}
	return loadFiles(files, b)
}

// ReadArchiveFiles unpacks a chart archive into memory, enforcing the size
// limits and rejecting entries that would escape the chart's directory.
func ReadArchiveFiles(r io.Reader) ([]*File, error) {
	return readArchiveFiles(r, newLoadBudget())
}

// ArchiveMetadata returns the validated Chart.yaml of a chart archive,
// reading the whole archive under the same limits and checks as
// ReadArchiveFiles.
func ArchiveMetadata(r io.Reader) (*Metadata, error) {
	files, err := ReadArchiveFiles(r)
	if err != nil {
		return nil, err
	}
	c := &Chart{}
	if err := loadMetadata(c, files); err != nil {
		return nil, err
	}
	if err := c.Metadata.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", ChartFileName, err)
	}
	return c.Metadata, nil
}

func readArchiveFiles(r io.Reader, b *loadBudget) ([]*File, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("chart archive is not gzip: %w", err)
	}
	defer zr.Close()
	// Every decompressed byte is counted, headers included: a chain of PAX
	// headers is read inside one tr.Next() call.
	stream := &allowanceReader{r: zr, left: headerSlack}
	tr := tar.NewReader(stream)
	var (
		files []*File
		seen  = map[string]bool{}
	)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if errors.Is(err, errHeaderAllowance) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("read chart archive: %w", err)
		}
		if b.entries--; b.entries < 0 {
			return nil, fmt.Errorf("chart archive has more than %d entries", MaxArchiveEntries)
		}
		stream.left += headerPerEntry
		switch hdr.Typeflag {
		case tar.TypeDir, tar.TypeXGlobalHeader, tar.TypeXHeader:
			continue
		case tar.TypeReg: // the reader reports legacy TypeRegA entries as TypeReg
		default:
			return nil, fmt.Errorf("chart archive entry %q is not a regular file (type %q); links and devices are not allowed", hdr.Name, hdr.Typeflag)
		}
		name, err := archiveEntryName(hdr.Name)
		if err != nil {
			return nil, err
		}
		if seen[name] {
			return nil, fmt.Errorf("chart archive has %q twice", hdr.Name)
		}
		seen[name] = true
		if hdr.Size > MaxFileSize {
			return nil, fmt.Errorf("chart file %q is larger than the maximum file size %d", hdr.Name, MaxFileSize)
		}
		if hdr.Size > b.bytes {
			return nil, fmt.Errorf("decompressed chart is larger than the maximum size %d", MaxChartSize)
		}
		stream.left += hdr.Size
		data, err := io.ReadAll(io.LimitReader(tr, hdr.Size))
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("chart archive entry %q is truncated", hdr.Name)
		}
		if errors.Is(err, errHeaderAllowance) {
			return nil, err
		}
		if err != nil {
			return nil, fmt.Errorf("read %q from chart archive: %w", hdr.Name, err)
		}
		if int64(len(data)) < hdr.Size {
			return nil, fmt.Errorf("chart archive entry %q is truncated", hdr.Name)
		}
		b.bytes -= hdr.Size
		files = append(files, &File{Name: name, Data: bytes.TrimPrefix(data, utf8BOM), ModTime: hdr.ModTime})
	}
	if len(files) == 0 {
		return nil, errors.New("no files in chart archive")
	}
	return files, nil
}

var errHeaderAllowance = fmt.Errorf("chart archive has more than %d bytes of tar headers and padding beyond %d per entry (a PAX header bomb?)", headerSlack, headerPerEntry)

// allowanceReader fails once more than left bytes have been read; the
// caller raises left by each file's size and each entry's header allowance.
type allowanceReader struct {
	r    io.Reader
	left int64
}

func (a *allowanceReader) Read(p []byte) (int, error) {
	if a.left <= 0 {
		return 0, errHeaderAllowance
	}
	if int64(len(p)) > a.left {
		p = p[:a.left]
	}
	n, err := a.r.Read(p)
	a.left -= int64(n)
	return n, err
}

// archiveEntryName turns a tar entry name into a path relative to the chart
// root, rejecting anything that could point outside it.
func archiveEntryName(raw string) (string, error) {
	sep := "/"
	if strings.ContainsRune(raw, '\\') {
		sep = `\` // written on Windows
	}
	parts := strings.Split(raw, sep)
	if len(parts) < 2 {
		if parts[0] == "Chart.yaml" {
			return "", errors.New("chart archive has Chart.yaml outside the chart's directory")
		}
		return "", fmt.Errorf("chart archive entry %q is outside the chart's directory", raw)
	}
	n := strings.ReplaceAll(strings.Join(parts[1:], sep), sep, "/")
	if path.IsAbs(n) || path.IsAbs(strings.ReplaceAll(raw, sep, "/")) {
		return "", fmt.Errorf("chart archive entry %q is an absolute path", raw)
	}
	n = path.Clean(n)
	switch {
	case n == ".":
		return "", fmt.Errorf("chart archive entry %q is outside the chart's directory", raw)
	case n == ".." || strings.HasPrefix(n, "../") || hasDotDot(raw, sep):
		return "", fmt.Errorf("chart archive entry %q references a parent directory", raw)
	case drivePathLike.MatchString(n):
		return "", fmt.Errorf("chart archive entry %q is a drive path", raw)
	}
	return n, nil
}

func hasDotDot(raw, sep string) bool {
	for _, p := range strings.Split(raw, sep) {
		if p == ".." {
			return true
		}
	}
	return false
}
