package chartfmt

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/berth-dev/berth/tools"
)

// BenchmarkPackage packages every shared chart with `helm package` and with
// berth in the same run:
//
//	<chart>/helm     `helm package` as a subprocess
//	<chart>/berth    `berth package` as a subprocess (built from this tree)
//	<chart>/library  chartfmt.LoadDir + Package in process
//
// Subprocess runs report cpu-ms/op and maxrss-KB (see benchProcess).
func BenchmarkPackage(b *testing.B) {
	dir, err := tools.ChartsDir()
	if err != nil {
		b.Fatal(err)
	}
	charts, err := filepath.Glob(filepath.Join(dir, "*", "Chart.yaml"))
	if err != nil || len(charts) == 0 {
		b.Fatalf("no shared charts: %v", err)
	}
	helm, err := tools.Path("helm")
	if err != nil {
		b.Fatal(err)
	}
	berth := filepath.Join(b.TempDir(), "berth")
	if out, err := exec.Command("go", "build", "-o", berth, "github.com/berth-dev/berth").CombinedOutput(); err != nil {
		b.Fatalf("build berth: %v\n%s", err, out)
	}
	home, out := b.TempDir(), b.TempDir()
	for _, cy := range charts {
		src := filepath.Dir(cy)
		name := filepath.Base(src)
		b.Run(name+"/helm", func(b *testing.B) { benchProcess(b, home, helm, "package", src, "-d", out) })
		b.Run(name+"/berth", func(b *testing.B) { benchProcess(b, home, berth, "package", src, "-d", out) })
		b.Run(name+"/library", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				c, err := LoadDir(src)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Package(c, PackageOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
