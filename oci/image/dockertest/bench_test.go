package dockertest_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/berth-dev/berth/oci/image/dockertest"
)

// BenchmarkDockerRelease releases a 3 × 64 MiB-layer image built by docker
// three ways in each iteration, each into a fresh `berth registry serve`
// (so nothing is already there and dockerd has no blob to mount):
//
//	daemon:    berth release --image app=docker-daemon:REF
//	save+tar:  docker save -o app.tar REF, then berth release --image app=app.tar
//	push:      docker tag + docker push (the reference)
//
// and, as a fourth figure, the daemon release again into the same registry
// (unchanged image: layer digests from the cache, nothing uploaded). Each
// berth variant starts with an empty cache of its own.
//
// and reports each one's seconds per release and the ratios to docker push.
func BenchmarkDockerRelease(b *testing.B) {
	d := dockertest.Require(b)
	berth(b) // builds berthBin
	ref := dockertest.UniqueName("bench") + ":1"
	const layer = 64 << 20
	d.Build(ref, layer, layer, layer)
	chart := appChart(b)
	dir := b.TempDir()

	var daemon, again, saveTar, push time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		berthB := dockertest.NewBerth(b, berthBin)
		host, stop := berthB.StartServe(filepath.Join(dir, "reg-daemon"))
		t0 := time.Now()
		berthB.Run("release", chart, "--image", "app=docker-daemon:"+ref, "--to", "oci://"+host+"/ns", "--plain-http")
		daemon += time.Since(t0)
		t0 = time.Now()
		berthB.Run("release", chart, "--image", "app=docker-daemon:"+ref, "--to", "oci://"+host+"/ns", "--plain-http")
		again += time.Since(t0)
		stop()

		berthB = dockertest.NewBerth(b, berthBin)
		host, stop = berthB.StartServe(filepath.Join(dir, "reg-tar"))
		tar := filepath.Join(dir, "app.tar")
		t0 = time.Now()
		d.Run("save", "-o", tar, ref)
		berthB.Run("release", chart, "--image", "app="+tar, "--to", "oci://"+host+"/ns", "--plain-http")
		saveTar += time.Since(t0)
		stop()
		os.Remove(tar)

		host, stop = berthB.StartServe(filepath.Join(dir, "reg-push"))
		theirs := host + "/ns/app:1"
		d.Tag(ref, theirs)
		t0 = time.Now()
		d.Push(theirs)
		push += time.Since(t0)
		d.Remove(theirs)
		stop()
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(daemon.Seconds()/n, "daemon-s/op")
	b.ReportMetric(saveTar.Seconds()/n, "save+tar-s/op")
	b.ReportMetric(push.Seconds()/n, "docker-push-s/op")
	b.ReportMetric(again.Seconds()/n, "daemon-again-s/op")
	b.ReportMetric(daemon.Seconds()/push.Seconds(), "daemon/push")
	b.ReportMetric(saveTar.Seconds()/push.Seconds(), "save+tar/push")
	b.Logf("Docker %s, 3 × 64 MiB layers, %d iterations", d.ServerVersion(), b.N)
}
