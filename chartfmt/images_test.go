package chartfmt

import (
	"strings"
	"testing"
)

const pinValues = `# Default values.
replicaCount: 1
image:
  repository: ghcr.io/example/app # the app
  tag: "1.0"
  digest: ""
worker:
  image:
    registry: docker.io
    repository: bitnami/worker
    tag: 2.0.0
    digest:
sidecar:
  image: busybox:1.36
`

func TestFindAndMatchImageValues(t *testing.T) {
	vals, err := ReadValues([]byte(pinValues))
	if err != nil {
		t.Fatal(err)
	}
	found := FindImageValues(vals)
	var paths []string
	for _, v := range found {
		paths = append(paths, v.Path)
	}
	if got := strings.Join(paths, ","); got != "image,sidecar.image,worker.image" {
		t.Fatalf("image values = %s", got)
	}
	for _, c := range []struct{ name, path, want string }{
		{"app", "", "image"}, {"worker", "", "worker.image"}, {"busybox", "", "sidecar.image"}, {"x", "sidecar.image", "sidecar.image"}, {"shop", "", "image"},
	} {
		v, err := MatchImageValue(found, c.name, c.path, "shop")
		if err != nil || v.Path != c.want {
			t.Errorf("%s: got %q, %v; want %s", c.name, v.Path, err, c.want)
		}
	}
	_, err = MatchImageValue(found, "nope", "", "shop")
	if err == nil || !strings.Contains(err.Error(), "worker.image (docker.io/bitnami/worker:2.0.0)") {
		t.Fatalf("unknown name: %v", err)
	}
}

func TestEditValuesKeepsComments(t *testing.T) {
	out, err := EditValuesYAML([]byte(pinValues), []ValueEdit{
		{Path: "image.repository", Value: "reg.local/ns/app"},
		{Path: "image.digest", Value: "sha256:abc"},
		{Path: "worker.image.digest", Value: "sha256:def"},
		{Path: "sidecar.image", Value: "reg.local/ns/busybox@sha256:123"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.NewReplacer(
		"ghcr.io/example/app #", `"reg.local/ns/app" #`,
		`digest: ""`, `digest: "sha256:abc"`,
		"    digest:\n", "    digest: \"sha256:def\"\n",
		"busybox:1.36", `"reg.local/ns/busybox@sha256:123"`,
	).Replace(pinValues)
	if string(out) != want {
		t.Fatalf("edited:\n%s\nwant:\n%s", out, want)
	}
	// Adding a key re-encodes but keeps the comments.
	out, err = EditValuesYAML([]byte(pinValues), []ValueEdit{{Path: "image.pullPolicy", Value: "Always"}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "# the app") || !strings.Contains(string(out), `pullPolicy: "Always"`) {
		t.Fatalf("re-encoded:\n%s", out)
	}
}
