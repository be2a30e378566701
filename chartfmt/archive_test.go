package chartfmt

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"strings"
	"testing"
)

// entry is one tar entry of a hand-made archive.
type entry struct {
	name string
	data string
	typ  byte // tar.TypeReg when 0
	size int64
	link string
}

func makeTgz(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		size := e.size
		if size == 0 && typ == tar.TypeReg {
			size = int64(len(e.data))
		}
		hdr := &tar.Header{Name: e.name, Typeflag: typ, Size: size, Mode: 0o644, Linkname: e.link}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if e.data != "" {
			if _, err := tw.Write([]byte(e.data)); err != nil {
				t.Fatal(err)
			}
		}
	}
	tw.Flush() // not Close: some cases are deliberately truncated
	zw.Close()
	return buf.Bytes()
}

var chartEntry = entry{name: "demo/Chart.yaml", data: minimalChartYAML}

func TestLoadArchiveRejectsBadEntries(t *testing.T) {
	cases := []struct {
		name    string
		entries []entry
		want    string
	}{
		{"parent dir", []entry{chartEntry, {name: "demo/../../etc/passwd", data: "x"}}, `"demo/../../etc/passwd" references a parent directory`},
		{"inner parent dir", []entry{chartEntry, {name: "demo/templates/../../x", data: "x"}}, "references a parent directory"},
		{"windows parent dir", []entry{chartEntry, {name: `demo\..\..\x`, data: "x"}}, "references a parent directory"},
		{"absolute path", []entry{chartEntry, {name: "/etc/passwd", data: "x"}}, `"/etc/passwd" is an absolute path`},
		{"absolute after prefix", []entry{chartEntry, {name: "demo//etc/passwd", data: "x"}}, "is an absolute path"},
		{"drive path", []entry{chartEntry, {name: "demo/c:/x", data: "x"}}, "is a drive path"},
		{"symlink", []entry{chartEntry, {name: "demo/files/x", typ: tar.TypeSymlink, link: "/etc/passwd"}}, `"demo/files/x" is not a regular file`},
		{"hard link", []entry{chartEntry, {name: "demo/files/x", typ: tar.TypeLink, link: "demo/Chart.yaml"}}, "links and devices are not allowed"},
		{"device", []entry{chartEntry, {name: "demo/dev", typ: tar.TypeChar}}, "not a regular file"},
		{"top-level Chart.yaml", []entry{{name: "Chart.yaml", data: minimalChartYAML}}, "Chart.yaml outside the chart's directory"},
		{"top-level file", []entry{{name: "README", data: "x"}}, `"README" is outside the chart's directory`},
		{"duplicate", []entry{chartEntry, chartEntry}, `has "demo/Chart.yaml" twice`},
		{"truncated", []entry{chartEntry, {name: "demo/values.yaml", data: "a: 1", size: 100}}, "truncated"},
		{"empty", nil, "no files in chart archive"},
		{"no Chart.yaml", []entry{{name: "demo/values.yaml", data: "a: 1\n"}}, "Chart.yaml file is missing"},
		{"file too big", []entry{chartEntry, {name: "demo/big", data: strings.Repeat("a", MaxFileSize+1)}}, `chart file "demo/big" is larger than the maximum file size 5242880`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadArchive(bytes.NewReader(makeTgz(t, tc.entries...)))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := LoadArchive(strings.NewReader("not a tgz")); err == nil || !strings.Contains(err.Error(), "not gzip") {
		t.Errorf("not gzip: %v", err)
	}
}

// TestLoadArchiveGzipBomb: ~100 KiB of gzip expanding past 100 MiB stops
// at the limit with a clear error.
func TestLoadArchiveGzipBomb(t *testing.T) {
	entries := []entry{chartEntry}
	zeros := strings.Repeat("\x00", 4<<20)
	for i := 0; i < 26; i++ {
		entries = append(entries, entry{name: fmt.Sprintf("demo/files/zero%02d", i), data: zeros})
	}
	bomb := makeTgz(t, entries...)
	if len(bomb) > 1<<20 {
		t.Fatalf("bomb is %d bytes compressed", len(bomb))
	}
	_, err := LoadArchive(bytes.NewReader(bomb))
	if err == nil || !strings.Contains(err.Error(), "decompressed chart is larger than the maximum size 104857600") {
		t.Fatalf("error = %v", err)
	}
}

// TestLoadArchiveNestedBomb: .tgz subcharts share the parent's limits, so
// 30 small nested archives of 4 MiB each cannot add up to 120 MiB.
func TestLoadArchiveNestedBomb(t *testing.T) {
	zeros := strings.Repeat("\x00", 4<<20)
	entries := []entry{chartEntry}
	for i := 0; i < 30; i++ {
		name := fmt.Sprintf("s%02d", i)
		sub := makeTgz(t, entry{name: name + "/Chart.yaml", data: "apiVersion: v2\nname: " + name + "\nversion: 1.0.0\n"},
			entry{name: name + "/files/zero", data: zeros})
		entries = append(entries, entry{name: "demo/charts/" + name + ".tgz", data: string(sub)})
	}
	data := makeTgz(t, entries...)
	if len(data) > 2<<20 {
		t.Fatalf("nested bomb is %d bytes", len(data))
	}
	_, err := LoadArchive(bytes.NewReader(data))
	if err == nil || !strings.Contains(err.Error(), "decompressed chart is larger than the maximum size") {
		t.Fatalf("error = %v", err)
	}
}

// TestLoadArchiveDepthLimit: subcharts nested deeper than MaxChartDepth
// are refused instead of recursing without end.
func TestLoadArchiveDepthLimit(t *testing.T) {
	chart := func(name string) entry {
		return entry{name: name + "/Chart.yaml", data: "apiVersion: v2\nname: " + name + "\nversion: 1.0.0\n"}
	}
	nest := func(levels int) []byte {
		data := makeTgz(t, chart("l0"))
		for i := 1; i <= levels; i++ {
			name := fmt.Sprintf("l%d", i)
			data = makeTgz(t, chart(name), entry{name: name + "/charts/sub.tgz", data: string(data)})
		}
		return data
	}
	if _, err := LoadArchive(bytes.NewReader(nest(MaxChartDepth))); err != nil {
		t.Fatalf("%d levels: %v", MaxChartDepth, err)
	}
	_, err := LoadArchive(bytes.NewReader(nest(MaxChartDepth + 1)))
	if err == nil || !strings.Contains(err.Error(), "nested more than 32 levels deep") {
		t.Fatalf("error = %v", err)
	}
}

func TestLoadArchiveEntryLimit(t *testing.T) {
	entries := []entry{chartEntry}
	for i := 0; i < 20000; i++ {
		entries = append(entries, entry{name: fmt.Sprintf("demo/files/f%05d", i), data: "x"})
	}
	c, err := LoadArchive(bytes.NewReader(makeTgz(t, entries...)))
	if err != nil {
		t.Fatalf("20 000 tiny files: %v", err)
	}
	if len(c.Files) != 20000 {
		t.Fatalf("%d files", len(c.Files))
	}
	for i := 20000; i < MaxArchiveEntries; i++ {
		entries = append(entries, entry{name: fmt.Sprintf("demo/f/%d", i)})
	}
	_, err = LoadArchive(bytes.NewReader(makeTgz(t, entries...)))
	if err == nil || !strings.Contains(err.Error(), "more than 100000 entries") {
		t.Fatalf("error = %v", err)
	}
}

func TestLoadArchiveWindowsPathsAndPax(t *testing.T) {
	long := "demo/files/" + strings.Repeat("x", 150) // needs a PAX header
	c, err := LoadArchive(bytes.NewReader(makeTgz(t,
		entry{name: "whatever-dir/", typ: tar.TypeDir},
		entry{name: `whatever-dir\Chart.yaml`, data: minimalChartYAML},
		entry{name: `whatever-dir\templates\a.yaml`, data: "\uFEFFa: 1"},
		entry{name: long, data: "long"},
	)))
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "demo" || len(c.Templates) != 1 || c.Templates[0].Name != "templates/a.yaml" || string(c.Templates[0].Data) != "a: 1" {
		t.Errorf("chart %+v templates %v", c.Metadata, fileNames(c.Templates))
	}
	if len(c.Files) != 1 || c.Files[0].Name != strings.TrimPrefix(long, "demo/") {
		t.Errorf("files %v", fileNames(c.Files))
	}
}

func TestLoadArchiveNestedSubcharts(t *testing.T) {
	inner := makeTgz(t,
		entry{name: "inner/Chart.yaml", data: "apiVersion: v2\nname: inner\nversion: 2.0.0\n"},
		entry{name: "inner/templates/i.yaml", data: "i: 1\n"})
	mid := makeTgz(t,
		entry{name: "mid/Chart.yaml", data: "apiVersion: v2\nname: mid\nversion: 1.0.0\n"},
		entry{name: "mid/charts/inner-2.0.0.tgz", data: string(inner)})
	c, err := LoadArchive(bytes.NewReader(makeTgz(t, chartEntry,
		entry{name: "demo/charts/mid-1.0.0.tgz", data: string(mid)},
		entry{name: "demo/charts/a/Chart.yaml", data: "apiVersion: v2\nname: a\nversion: 1.0.0\n"})))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Dependencies) != 2 || c.Dependencies[0].Name() != "a" || c.Dependencies[1].Name() != "mid" {
		t.Fatalf("subcharts %v", c.Dependencies)
	}
	deepest := c.Dependencies[1].Dependencies[0]
	if deepest.FullPath() != "demo/charts/mid/charts/inner" || len(deepest.Templates) != 1 {
		t.Errorf("nested %s", deepest.FullPath())
	}
	// Packaging expands the .tgz subcharts into directories.
	data, err := Package(c, PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := "demo/Chart.yaml,demo/charts/a/Chart.yaml,demo/charts/mid/Chart.yaml,demo/charts/mid/charts/inner/Chart.yaml,demo/charts/mid/charts/inner/templates/i.yaml"
	if got := strings.Join(tgzEntries(t, data), ","); got != want {
		t.Errorf("entries %s", got)
	}
}

// FuzzLoadArchive: no input makes the archive loader panic, hang or accept
// a path outside the chart; whatever loads packages and loads back the same.
func FuzzLoadArchive(f *testing.F) {
	f.Add(makeTgz(f, chartEntry, entry{name: "demo/values.yaml", data: "a: [1, 2]\n"}, entry{name: "demo/templates/x.yaml", data: "{{ .Values.a }}"}))
	f.Add(makeTgz(f, chartEntry, entry{name: "demo/../x", data: "x"}))
	f.Add(makeTgz(f, entry{name: `d\Chart.yaml`, data: "apiVersion: v1\nname: d\nversion: 1.2\n"}, entry{name: `d\requirements.yaml`, data: "dependencies: [{name: s}]"}))
	f.Add(makeTgz(f, chartEntry, entry{name: "demo/charts/s.tgz", data: "\x1f\x8b"}))
	f.Add([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := LoadArchive(bytes.NewReader(data))
		if err != nil {
			return
		}
		var check func(c *Chart)
		check = func(c *Chart) {
			for _, group := range [][]*File{c.Templates, c.Files} {
				for _, file := range group {
					if strings.HasPrefix(file.Name, "/") || file.Name == ".." || strings.HasPrefix(file.Name, "../") || strings.Contains(file.Name, "/../") {
						t.Fatalf("loaded path outside the chart: %q", file.Name)
					}
				}
			}
			for _, d := range c.Dependencies {
				check(d)
			}
		}
		check(c)
		var buf bytes.Buffer
		if err := WriteArchive(&buf, c, DefaultModTime); err != nil {
			return // e.g. an invalid values.schema.json is loaded but not packaged
		}
		back, err := LoadArchive(&buf)
		if err != nil {
			t.Fatalf("reloading berth's own archive: %v", err)
		}
		if len(back.Files) != len(c.Files) || len(back.Templates) != len(c.Templates) || len(back.Dependencies) != len(c.Dependencies) {
			t.Fatalf("round trip changed the chart")
		}
	})
}
