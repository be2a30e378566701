package oci

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

const (
	benchImages    = 3
	benchLayers    = 5
	benchLayerSize = 64 << 20
)

// BenchmarkRelease measures `berth release` of 3 images × 5 × 64 MiB
// random layers from `docker save` archives to a loopback Distribution
// registry, next to crane push of the same archives, an unchanged second
// release, and a plain copy of the archives into the registry's storage
// folder (the disk limit of this machine). MB/s counts layer bytes.
func BenchmarkRelease(b *testing.B) {
	dir := b.TempDir()
	tars := make([]string, benchImages)
	for i := range tars {
		tars[i] = filepath.Join(dir, fmt.Sprintf("img%d.tar", i))
		writeBenchArchive(b, tars[i], fmt.Sprintf("example.com/shop/img%d:1.0", i), uint64(i))
	}
	total := int64(benchImages * benchLayers * benchLayerSize)
	chartDir := benchChart(b)
	opts := func(host string) ReleaseOptions {
		o := ReleaseOptions{Dest: "oci://" + host + "/shop", Jobs: benchJobs()}
		for i, p := range tars {
			o.Images = append(o.Images, ImageSpec{Name: fmt.Sprintf("img%d", i), Source: p})
		}
		return o
	}

	crane, err := tools.Path("crane")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("berth-first", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			b.StopTimer()
			r := registrytest.Start(b)
			c := benchClient(b, r)
			ch := loadChart(b, chartDir)
			b.StartTimer()
			if _, err := c.Release(b.Context(), ch, opts(r.Host)); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The machine is shared, so load shifts between sub-benchmarks; this
	// one alternates berth and crane within each iteration and reports
	// both throughputs from the same moments, and their ratio.
	b.Run("berth-vs-crane", func(b *testing.B) {
		var berthT, craneT time.Duration
		for i := 0; b.Loop(); i++ {
			runBerth := func() {
				r := registrytest.Start(b)
				c, ch := benchClient(b, r), loadChart(b, chartDir)
				start := time.Now()
				if _, err := c.Release(b.Context(), ch, opts(r.Host)); err != nil {
					b.Fatal(err)
				}
				berthT += time.Since(start)
			}
			runCrane := func() {
				r := registrytest.Start(b)
				start := time.Now()
				cranePush(b, crane, r, tars)
				craneT += time.Since(start)
			}
			if i%2 == 0 {
				runBerth()
				runCrane()
			} else {
				runCrane()
				runBerth()
			}
		}
		mb := float64(total) * float64(b.N) / 1e6
		b.ReportMetric(mb/berthT.Seconds(), "berth-MB/s")
		b.ReportMetric(mb/craneT.Seconds(), "crane-MB/s")
		b.ReportMetric(craneT.Seconds()/berthT.Seconds(), "berth/crane-speed")
	})
	b.Run("berth-unchanged", func(b *testing.B) {
		b.SetBytes(total)
		r := registrytest.Start(b)
		c := benchClient(b, r)
		if _, err := c.Release(b.Context(), loadChart(b, chartDir), opts(r.Host)); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := c.Release(b.Context(), loadChart(b, chartDir), opts(r.Host)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("crane-push", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			b.StopTimer()
			r := registrytest.Start(b)
			b.StartTimer()
			cranePush(b, crane, r, tars)
		}
	})
	b.Run("disk-copy", func(b *testing.B) {
		b.SetBytes(total)
		for b.Loop() {
			b.StopTimer()
			r := registrytest.Start(b)
			b.StartTimer()
			for i, p := range tars {
				copyFile(b, p, filepath.Join(r.Dir, fmt.Sprintf("copy%d", i)))
			}
		}
	})
}

// cranePush pushes each archive with `crane push`, as a user would.
func cranePush(b *testing.B, crane string, r *registrytest.Registry, tars []string) {
	for i, p := range tars {
		out, err := exec.Command(crane, "push", "--insecure", p, fmt.Sprintf("%s/shop/img%d", r.Host, i)).CombinedOutput()
		if err != nil {
			b.Fatalf("crane push: %v\n%s", err, out)
		}
	}
}

// writeBenchArchive writes a `docker save` archive of one image with
// benchLayers random layers. Layers are gzip streams at NoCompression
// (random data does not compress; this keeps generation fast).
func writeBenchArchive(b *testing.B, path, tag string, seed uint64) {
	b.Helper()
	rng := rand.New(rand.NewChaCha8([32]byte{byte(seed), 1}))
	var layers []v1.Layer
	buf := make([]byte, benchLayerSize)
	for range benchLayers {
		for i := 0; i < len(buf); i += 8 {
			v := rng.Uint64()
			for j := 0; j < 8 && i+j < len(buf); j++ {
				buf[i+j] = byte(v >> (8 * j))
			}
		}
		layers = append(layers, static.NewLayer(gzipTar(b, buf), types.DockerLayer))
	}
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		b.Fatal(err)
	}
	img, err = mutate.CreatedAt(img, v1.Time{Time: time.Unix(0, 0)})
	if err != nil {
		b.Fatal(err)
	}
	t, _ := name.NewTag(tag)
	if err := tarball.WriteToFile(path, t, img); err != nil {
		b.Fatal(err)
	}
}

func gzipTar(b *testing.B, data []byte) []byte {
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.NoCompression)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: "data", Mode: 0o644, Size: int64(len(data))}); err != nil {
		b.Fatal(err)
	}
	tw.Write(data)
	tw.Close()
	zw.Close()
	return out.Bytes()
}

func copyFile(b *testing.B, src, dst string) {
	in, err := os.Open(src)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}

// benchChart is a chart deploying img0..img2 by repository+tag+digest.
func benchChart(b *testing.B) string { return benchChartN(b, benchImages) }

// benchChartN is a chart deploying img0..img<n-1> by repository+tag+digest.
func benchChartN(b *testing.B, n int) string {
	dir := filepath.Join(b.TempDir(), "shop")
	os.MkdirAll(filepath.Join(dir, "templates"), 0o755)
	vals, tpl := "", "apiVersion: v1\nkind: Pod\nmetadata: {name: shop}\nspec:\n  containers:\n"
	for i := range n {
		vals += fmt.Sprintf("img%d:\n  image:\n    repository: example.com/shop/img%d\n    tag: \"1.0\"\n    digest: \"\"\n", i, i)
		tpl += fmt.Sprintf("    - name: c%d\n      image: \"{{ .Values.img%d.image.repository }}@{{ .Values.img%d.image.digest }}\"\n", i, i, i)
	}
	for n, body := range map[string]string{
		"Chart.yaml":         "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
		"values.yaml":        vals,
		"templates/pod.yaml": tpl,
	} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

func benchClient(b *testing.B, r *registrytest.Registry) *Client {
	c, err := NewClient(Options{PlainHTTP: r.PlainHTTP, CacheDir: b.TempDir(),
		DockerConfig: filepath.Join(b.TempDir(), "config.json"), HelmRegistryConfig: filepath.Join(b.TempDir(), "none.json")})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// benchJobs lets a run compare upload concurrencies (BERTH_BENCH_JOBS=n);
// unset means the default.
func benchJobs() int {
	n, _ := strconv.Atoi(os.Getenv("BERTH_BENCH_JOBS"))
	return n
}
