package oci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/chartfmt"
	registrytest "github.com/berth-dev/berth/registry-test"
)

// packageTestChart packages a minimal chart named name.
func packageTestChart(t *testing.T, name, version string) ([]byte, *chartfmt.Metadata) {
	t.Helper()
	dir := writeChart(t, filepath.Join(t.TempDir(), "c"), "apiVersion: v2\nname: "+quoteYAML(name)+"\nversion: "+version+"\n")
	ch, err := chartfmt.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	tgz, err := chartfmt.Package(ch, chartfmt.PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tgz, ch.Metadata
}

// pushWithConfig pushes tgz under ref with a config blob made from config
// instead of the chart's own Chart.yaml, as a hostile registry can serve.
func pushWithConfig(t *testing.T, c *Client, ref string, tgz []byte, config *chartfmt.Metadata) {
	t.Helper()
	r, err := ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	art, err := BuildArtifact(tgz, config, nil, time.Unix(1700000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PushArtifact(t.Context(), r, art); err != nil {
		t.Fatal(err)
	}
}

// The pulled file and --untar folder are named after the chart inside the
// layer; a config blob naming anything else is refused, and a name that
// cannot be a file name is refused however it is spelled.
func TestPullRefusesConfigNameNotTheChart(t *testing.T) {
	r := registrytest.Start(t, registrytest.InMemory())
	pusher := clientFor(t, r, "", "")
	tgz, meta := packageTestChart(t, "hello", "0.1.0")
	for i, name := range []string{"other", "..", "", ".hidden", "../../x", "hello/../.."} {
		ref := "oci://" + r.Host + "/hostile" + string(rune('a'+i)) + "/hello:0.1.0"
		cfg := *meta
		cfg.Name = name
		pushWithConfig(t, pusher, ref, tgz, &cfg)
		res, err := clientFor(t, r, "", "").Pull(t.Context(), ref, PullOptions{})
		if err == nil {
			t.Errorf("config name %q: pulled, file name would be %q", name, res.FileName())
			continue
		}
		if !strings.Contains(err.Error(), `chart config names "`+name+`"`) {
			t.Errorf("config name %q: error does not name the disagreement: %v", name, err)
		}
	}
	// A chart whose own name cannot name a file: refused though config agrees.
	hidden, hmeta := packageTestChart(t, ".hidden", "0.1.0")
	ref := "oci://" + r.Host + "/hidden/x:0.1.0"
	pushWithConfig(t, pusher, ref, hidden, hmeta)
	if _, err := clientFor(t, r, "", "").Pull(t.Context(), ref, PullOptions{}); err == nil || !strings.Contains(err.Error(), "not usable as a file name") {
		t.Errorf("chart named .hidden: %v", err)
	}
	// The honest chart still pulls and untars into dest/hello.
	pushWithConfig(t, pusher, "oci://"+r.Host+"/good/hello:0.1.0", tgz, meta)
	res, err := clientFor(t, r, "", "").Pull(t.Context(), "oci://"+r.Host+"/good/hello:0.1.0", PullOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	got, err := ExtractChart(res.Chart, dest, res.Metadata.Name)
	if err != nil || got != filepath.Join(dest, "hello") || res.FileName() != "hello-0.1.0.tgz" {
		t.Fatalf("untar to %q (%v), file %q", got, err, res.FileName())
	}
	for _, name := range []string{"..", "", ".", "../x", "/abs"} {
		if p, err := ExtractChart(res.Chart, filepath.Join(dest, "sub"), name); err == nil {
			t.Errorf("ExtractChart into name %q wrote %s", name, p)
		}
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 1 {
		t.Errorf("dest holds %d entries, want only hello/", len(entries))
	}
}
