package chartfmt

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// helmTemplateArgs are the flags every differential render uses.
var helmTemplateArgs = []string{"-n", "berth-test", "--kube-version", "1.37.2", "--include-crds"}

// TestPackageRendersLikeSource: for every shared chart, `helm template` of
// berth's package equals `helm template` of the source directory, and
// `helm show chart|values` agree. Lines that helm itself renders differently
// on two runs of the same directory (randAlphaNum, genCA… output) are the
// only ones allowed to differ; nothing else is masked.
func TestPackageRendersLikeSource(t *testing.T) {
	out := t.TempDir()
	for _, src := range testChartDirs(t) {
		name := filepath.Base(src)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c, err := LoadDir(src)
			if err != nil {
				t.Fatal(err)
			}
			tgz, err := PackageToDir(c, filepath.Join(out, name), PackageOptions{})
			if err != nil {
				t.Fatal(err)
			}
			render := func(chart string) string {
				return mustHelm(t, append([]string{"template", "rel", chart}, helmTemplateArgs...)...)
			}
			first, second, fromTgz := render(src), render(src), render(tgz)
			if diff := diffBeyondRandom(first, second, fromTgz); diff != "" {
				t.Errorf("helm template of berth's package differs from the source:\n%s", diff)
			}
			for _, what := range []string{"chart", "values", "readme", "crds"} {
				want, got := mustHelm(t, "show", what, src), mustHelm(t, "show", what, tgz)
				if want != got {
					t.Errorf("helm show %s differs:\nsource:\n%.600s\npackage:\n%.600s", what, want, got)
				}
			}
		})
	}
}

// diffBeyondRandom compares got with want line by line, tolerating a
// difference only on lines where want and again (the same render run twice)
// already differ. It returns a description of the first real difference.
func diffBeyondRandom(want, again, got string) string {
	w, a, g := strings.Split(want, "\n"), strings.Split(again, "\n"), strings.Split(got, "\n")
	if len(w) != len(g) || len(w) != len(a) {
		return fmt.Sprintf("line counts: source %d (again %d), package %d", len(w), len(a), len(g))
	}
	for i := range w {
		if w[i] != g[i] && w[i] == a[i] {
			return fmt.Sprintf("line %d:\nsource:  %s\npackage: %s", i+1, w[i], g[i])
		}
	}
	return ""
}

// TestPackageReproducible: package, touch every file, copy elsewhere,
// package again — identical sha256, for every shared chart (several have
// two or more subcharts, whose order Helm leaves to map iteration).
func TestPackageReproducible(t *testing.T) {
	for _, src := range testChartDirs(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			first := packageCopy(t, src, time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC))
			second := packageCopy(t, src, time.Now().Add(-37*time.Hour))
			if a, b := sha256.Sum256(first), sha256.Sum256(second); a != b {
				t.Fatalf("sha256 %x != %x", a, b)
			}
			// Re-packaging helm's own package of the chart gives the same bytes too.
			dir := t.TempDir()
			mustHelm(t, "package", src, "-d", dir)
			entries, _ := os.ReadDir(dir)
			fromHelm, err := LoadArchiveFile(filepath.Join(dir, entries[0].Name()))
			if err != nil {
				t.Fatal(err)
			}
			again, err := Package(fromHelm, PackageOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(first, again) {
				t.Fatal("packaging helm's package of the chart gives other bytes than packaging the directory")
			}
		})
	}
}

// packageCopy copies the chart to a fresh directory, sets every mtime to
// mtime and packages it.
func packageCopy(t *testing.T, src string, mtime time.Time) []byte {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "copy-"+mtime.Format("150405"))
	copyTree(t, src, dir)
	err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, mtime, mtime)
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	data, err := Package(c, PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestPackageFormatLikeHelm: the gzip header bytes before the deflate stream
// equal those of `helm package`, and the tar entries are regular files, mode
// 0644, owned by 0:0, in Helm's order, with one fixed time.
func TestPackageFormatLikeHelm(t *testing.T) {
	src := filepath.Join(sharedChartsDir(t), "wordpress")
	dir := t.TempDir()
	mustHelm(t, "package", src, "-d", dir)
	helmTgz, err := os.ReadFile(filepath.Join(dir, "wordpress-27.0.0.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := Package(c, PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	const headerLen = 10 + 2 + len(gzipExtra) + len(gzipComment) + 1
	if !bytes.Equal(ours[:headerLen], helmTgz[:headerLen]) {
		t.Errorf("gzip header %x, helm's %x", ours[:headerLen], helmTgz[:headerLen])
	}
	helmHeaders, ourHeaders := tarHeaders(t, helmTgz), tarHeaders(t, ours)
	if len(helmHeaders) != len(ourHeaders) {
		t.Fatalf("%d entries, helm wrote %d", len(ourHeaders), len(helmHeaders))
	}
	// Helm orders subcharts by map iteration; compare each chart's run of entries.
	if got, want := sortedByChart(ourHeaders), sortedByChart(helmHeaders); got != want {
		t.Errorf("entries differ from helm's:\n%s\nhelm:\n%s", got, want)
	}
	for _, h := range ourHeaders {
		if h.Typeflag != tar.TypeReg || h.Mode != 0o644 || h.Uid != 0 || h.Gid != 0 || h.Uname != "" ||
			!h.ModTime.Equal(DefaultModTime) || h.Format != tar.FormatUSTAR {
			t.Errorf("entry %s: type %c mode %o uid %d gid %d uname %q time %v format %v", h.Name, h.Typeflag, h.Mode, h.Uid, h.Gid, h.Uname, h.ModTime, h.Format)
		}
	}
}

func tarHeaders(t *testing.T, tgz []byte) []*tar.Header {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(tgz))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var out []*tar.Header
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, h)
	}
}

// sortedByChart lists entry names with size, grouping each chart's entries
// (charts sorted by path, entries kept in archive order within a chart).
func sortedByChart(hdrs []*tar.Header) string {
	groups := map[string][]string{}
	var keys []string
	for _, h := range hdrs {
		var chart string
		if i := strings.LastIndex(h.Name, "/charts/"); i >= 0 {
			rest := h.Name[i+len("/charts/"):]
			chart = h.Name[:i] + "/charts/" + rest[:strings.Index(rest, "/")]
		} else {
			chart = h.Name[:strings.Index(h.Name, "/")]
		}
		if _, ok := groups[chart]; !ok {
			keys = append(keys, chart)
		}
		groups[chart] = append(groups[chart], fmt.Sprintf("%s %d", h.Name, h.Size))
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(strings.Join(groups[k], "\n") + "\n")
	}
	return b.String()
}

func TestPackageOptions(t *testing.T) {
	c, err := LoadDir(filepath.Join(sharedChartsDir(t), "podinfo"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "new", "dest")
	epoch, err := SourceDateEpoch("1700000000")
	if err != nil {
		t.Fatal(err)
	}
	p, err := PackageToDir(c, dir, PackageOptions{Version: "9.8.7-rc.1", AppVersion: "2.0", ModTime: epoch})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p) != "podinfo-9.8.7-rc.1.tgz" {
		t.Errorf("package name %s", p)
	}
	if c.Metadata.Version != "6.14.1" {
		t.Error("--version changed the caller's chart")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range tarHeaders(t, data) {
		if !h.ModTime.Equal(time.Unix(1700000000, 0)) {
			t.Fatalf("%s: time %v, want SOURCE_DATE_EPOCH", h.Name, h.ModTime)
		}
	}
	show := mustHelm(t, "show", "chart", p)
	if !strings.Contains(show, "version: 9.8.7-rc.1\n") || !strings.Contains(show, "appVersion: \"2.0\"\n") {
		t.Errorf("helm show chart of the package:\n%s", show)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if _, err := PackageToDir(c, dir, PackageOptions{Version: "not-semver"}); err == nil || !strings.Contains(err.Error(), `"not-semver" is not a valid semantic version`) {
		t.Errorf("bad --version: %v", err)
	}
	if _, err := SourceDateEpoch("yesterday"); err == nil {
		t.Error("bad SOURCE_DATE_EPOCH accepted")
	}
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := PackageToDir(c, file, PackageOptions{}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("destination is a file: %v", err)
	}
}

func TestPackageRefusesBrokenCharts(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"Chart.yaml":         minimalChartYAML + "dependencies:\n- name: gone\n  version: 1.0.0\n  repository: oci://x\n",
		"values.schema.json": "{",
	})
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Package(c, PackageOptions{}); err == nil || !strings.Contains(err.Error(), "found in Chart.yaml, but missing in charts/ directory: gone") {
		t.Errorf("missing dependency: %v", err)
	}
	c.Metadata.Dependencies = nil
	if _, err := Package(c, PackageOptions{}); err == nil || !strings.Contains(err.Error(), "demo/values.schema.json: invalid JSON") {
		t.Errorf("bad schema: %v", err)
	}
}
