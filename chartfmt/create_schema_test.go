package chartfmt

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCreateStarterSchemaRejectsTypos: the starter's values.schema.json
// refuses misspelled keys (top level and under image), in helm as in berth,
// and still accepts global values a parent chart passes down.
func TestCreateStarterSchemaRejectsTypos(t *testing.T) {
	dir, err := Create(filepath.Join(t.TempDir(), "web"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range []string{"replicaCont=2", "image.tg=1.2", "image.digest=latest"} {
		_, helmErr := runHelm(t, "template", "rel", dir, "--set", set)
		vals, err := ValueOptions{Values: []string{set}}.Merge(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		_, berthErr := Render(context.Background(), c, vals, RenderOptions{ReleaseName: "rel", Namespace: "default"})
		if helmErr == nil || berthErr == nil {
			t.Errorf("--set %s: helm error %v, berth error %v; want both to refuse it", set, helmErr, berthErr)
		}
	}
	for _, set := range []string{"global.x=1", "replicaCount=2"} {
		if _, err := runHelm(t, "template", "rel", dir, "--set", set); err != nil {
			t.Errorf("--set %s: %v", set, err)
		}
	}
}

// TestCreateStarterPinsByDigestAlone: pinning the starter's image by digest
// (berth release, copy --with-images) gives repository@digest, with no
// appVersion tag in front of the digest.
func TestCreateStarterPinsByDigestAlone(t *testing.T) {
	dir, err := Create(filepath.Join(t.TempDir(), "web"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	vals := FindImageValues(c.Values)
	if len(vals) != 1 {
		t.Fatalf("image values: %+v", vals)
	}
	digest := "sha256:" + strings.Repeat("cd", 32)
	pinned, err := PinImages(context.Background(), c, []ImagePin{{Name: "web", Value: vals[0], Repository: "reg.example.com/apps/web", Digest: digest}}, nil, RenderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r, err := Render(context.Background(), pinned, nil, RenderOptions{ReleaseName: "rel", Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	if got := PodImages(r); len(got) != 1 || got[0] != "reg.example.com/apps/web@"+digest {
		t.Fatalf("pod images %v, want reg.example.com/apps/web@%s", got, digest)
	}
}
