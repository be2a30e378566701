package chartsource

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci"
)

func TestKindOf(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.MkdirAll("stable/web", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ref  string
		o    Options
		want Kind
	}{
		{"oci://example.com/charts/web", Options{}, OCI},
		{"https://example.com/web-1.0.0.tgz", Options{}, URL},
		{"bitnami/nginx", Options{}, Repo},
		{"stable/web", Options{}, Local}, // a local path wins over REPO/CHART
		{"./bitnami/nginx", Options{}, Local},
		{"nginx", Options{}, Local},
		{"nginx", Options{Repo: RepoOptions{URL: "https://example.com"}}, RepoURL},
		{"stable/web", Options{Repo: RepoOptions{URL: "https://example.com"}}, Local},
		{"stable/web", Options{Repo: RepoOptions{URL: "https://example.com", AlwaysURL: true}}, RepoURL},
	} {
		if got := KindOf(tc.ref, tc.o); got != tc.want {
			t.Errorf("KindOf(%q, %+v) = %v, want %v", tc.ref, tc.o.Repo, got, tc.want)
		}
	}
}

func TestResolveLocalDirectory(t *testing.T) {
	dir, err := chartfmt.Create(filepath.Join(t.TempDir(), "web"))
	if err != nil {
		t.Fatal(err)
	}
	src, err := Resolve(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if src.Kind != Local || src.Chart == nil || src.Chart.Name() != "web" || src.Origin.Ref != "" {
		t.Fatalf("loaded %+v", src)
	}
	created := time.Unix(1700000000, 0)
	a, err := Resolve(context.Background(), dir, Options{Form: FormArchive, Created: created})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Resolve(context.Background(), dir, Options{Form: FormArchive, Created: created})
	if err != nil {
		t.Fatal(err)
	}
	if a.Chart != nil || len(a.Archive) == 0 || !bytes.Equal(a.Archive, b.Archive) {
		t.Fatalf("a directory packaged twice gives different archives (%d, %d bytes)", len(a.Archive), len(b.Archive))
	}
	meta, err := chartfmt.ArchiveMetadata(bytes.NewReader(a.Archive))
	if err != nil || meta.Name != "web" {
		t.Fatalf("packaged archive: %v %v", meta, err)
	}
}

func TestResolveCarriesProvenanceFile(t *testing.T) {
	dir, err := chartfmt.Create(filepath.Join(t.TempDir(), "web"))
	if err != nil {
		t.Fatal(err)
	}
	a, err := Resolve(context.Background(), dir, Options{Form: FormArchive})
	if err != nil {
		t.Fatal(err)
	}
	tgz := filepath.Join(t.TempDir(), "web-0.1.0.tgz")
	if err := os.WriteFile(tgz, a.Archive, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(tgz+".prov", []byte("prov"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Resolve(context.Background(), tgz, Options{Form: FormArchive, Accept: []Kind{Local}})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Archive, a.Archive) || string(got.Prov) != "prov" {
		t.Fatalf("archive read %d bytes, prov %q", len(got.Archive), got.Prov)
	}
}

func TestCosignKeysNeedARegistryChart(t *testing.T) {
	dir := t.TempDir()
	for ref, want := range map[string]string{
		dir:                                 "give an oci:// chart",
		"https://example.com/web-1.0.0.tgz": "a classic repository's chart is verified with its .prov",
	} {
		_, err := Resolve(context.Background(), ref, Options{Verify: Policy{CosignKeys: []string{"cosign.pub"}}})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Resolve(%s) with cosign keys: %v, want %q", ref, err, want)
		}
	}
}

func TestAcceptReadsOtherKindsAsTheFirst(t *testing.T) {
	// push takes paths only: REPO/CHART that is no path fails as a path.
	_, err := Resolve(context.Background(), "no-such/chart", Options{Form: FormArchive, Accept: []Kind{Local}})
	if err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("got %v, want a missing file", err)
	}
	// pull of oci:// references: a path fails as a reference.
	registry := func() (*oci.Client, error) { return oci.NewClient(oci.Options{}) }
	_, err = Resolve(context.Background(), "./chart", Options{Accept: []Kind{OCI}, Registry: registry})
	if err == nil || !strings.Contains(err.Error(), "must start with oci://") {
		t.Fatalf("got %v, want the registry client's reference error", err)
	}
}
