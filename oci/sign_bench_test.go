package oci

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/oci/signature"
	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/tools"
)

// BenchmarkSignVerify signs and verifies charts with the berth binary and
// with the cosign v2.6.5 oracle (`sign --key --tlog-upload=false`, `verify
// --key --insecure-ignore-tlog`), one process per operation for both, on
// the same TLS htpasswd registry in the same run. Each tool signs its own
// fresh chart (a second signature by the same key would be skipped); both
// verify the chart berth signed. verify-in-process-ms is Client.Verify alone
// (fresh client: token, resolve, .sig manifest, payload, ECDSA), what
// --verify adds to install.
func BenchmarkSignVerify(b *testing.B) {
	r := registrytest.Start(b, registrytest.HtpasswdTLS())
	berth := buildBerth(b)
	co := tools.NewCosign(b, r.CAFile)
	co.Login(b, r.Host, r.Username, r.Password)
	priv, pub := benchKeys(b)
	env := append(os.Environ(), "XDG_CACHE_HOME="+b.TempDir(), "DOCKER_CONFIG="+b.TempDir(), "COSIGN_PASSWORD=pw")
	reg := []string{"--ca-file", r.CAFile, "--username", r.Username, "--password", r.Password}
	c, err := NewClient(Options{CAFile: r.CAFile, Username: r.Username, Password: r.Password, CacheDir: b.TempDir(),
		DockerConfig: filepath.Join(b.TempDir(), "config.json")})
	if err != nil {
		b.Fatal(err)
	}
	var berthSign, cosignSign, berthVerify, cosignVerify, inProcess time.Duration
	for i := 0; i < b.N; i++ {
		refs := make([]string, 2)
		for j := range refs {
			tgz := signBenchChart(b, fmt.Sprintf("%d.0.%d", j+1, i))
			res, err := c.Push(b.Context(), tgz, "oci://"+r.Host+"/charts", PushOptions{})
			if err != nil {
				b.Fatal(err)
			}
			refs[j] = res.Pinned
		}
		berthSign += timed(func() { runBin(b, env, berth, append([]string{"sign", refs[0], "--key", priv}, reg...)...) })
		cosignSign += timed(func() {
			if _, err := co.Run("", []string{"COSIGN_PASSWORD=pw"}, "sign", "--key", priv, "--tlog-upload=false", "--yes", strings.TrimPrefix(refs[1], Scheme)); err != nil {
				b.Fatal(err)
			}
		})
		berthVerify += timed(func() { runBin(b, env, berth, append([]string{"verify", refs[0], "--key", pub}, reg...)...) })
		// What --verify adds to install: the check alone, in process, on a
		// client with an empty cache.
		fresh, err := NewClient(Options{CAFile: r.CAFile, Username: r.Username, Password: r.Password, CacheDir: b.TempDir(),
			DockerConfig: filepath.Join(b.TempDir(), "config.json")})
		if err != nil {
			b.Fatal(err)
		}
		inProcess += timed(func() {
			if _, err := fresh.Verify(b.Context(), refs[0], VerifyOptions{KeyFiles: []string{pub}}); err != nil {
				b.Fatal(err)
			}
		})
		cosignVerify += timed(func() {
			if _, err := co.Run("", nil, "verify", "--key", pub, "--insecure-ignore-tlog", strings.TrimPrefix(refs[0], Scheme)); err != nil {
				b.Fatal(err)
			}
		})
	}
	n := float64(b.N)
	b.ReportMetric(berthSign.Seconds()*1000/n, "berth-sign-ms")
	b.ReportMetric(cosignSign.Seconds()*1000/n, "cosign-sign-ms")
	b.ReportMetric(berthVerify.Seconds()*1000/n, "berth-verify-ms")
	b.ReportMetric(cosignVerify.Seconds()*1000/n, "cosign-verify-ms")
	b.ReportMetric(inProcess.Seconds()*1000/n, "verify-in-process-ms")
}

func benchKeys(b *testing.B) (priv, pub string) {
	pk, pb, err := signature.GenerateKeyPair([]byte("pw"))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	priv, pub = filepath.Join(dir, "cosign.key"), filepath.Join(dir, "cosign.pub")
	if err := os.WriteFile(priv, pk, 0o600); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(pub, pb, 0o644); err != nil {
		b.Fatal(err)
	}
	return priv, pub
}

func signBenchChart(b *testing.B, version string) []byte {
	ch := &chartfmt.Chart{Metadata: &chartfmt.Metadata{APIVersion: "v2", Name: "app", Version: version}}
	tgz, err := chartfmt.Package(ch, chartfmt.PackageOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return tgz
}
