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

const (
	signBenchImages    = 5
	signBenchLayers    = 2
	signBenchLayerSize = 8 << 20
)

// BenchmarkSignRelease: what signing and verifying cost a release of a
// chart with 5 images (2 × 8 MiB random layers each, from `docker save`
// archives) on a loopback TLS htpasswd Distribution registry, in one run:
//   - release-ms / release-sign-ms: Client.Release without and with Sign
//     (the same work as `berth release` and `berth release --sign`), each
//     to a fresh registry, alternated within an iteration so load shifts
//     hit both; sign-overhead-% is their difference over the first.
//   - verify-6-ms: what `install --verify --verify-images` adds, in
//     process on a client with an empty cache: Client.Verify of the chart,
//     then Client.VerifyImages (render, 5 images, each signature checked).
//   - cosign-sign-6-ms / cosign-verify-6-ms: the cosign v2.6.5 oracle
//     signing the 6 artifacts of the unsigned release (`cosign sign --key
//     --tlog-upload=false`, one process, 6 references) and verifying the 6
//     berth signed (`cosign verify --key --insecure-ignore-tlog`, one
//     process).
func BenchmarkSignRelease(b *testing.B) {
	dir := b.TempDir()
	var specs []ImageSpec
	for i := range signBenchImages {
		p := filepath.Join(dir, fmt.Sprintf("img%d.tar", i))
		saveImages(b, p, signBenchLayerSize, signBenchLayers, fmt.Sprintf("example.com/shop/img%d:1.0", i))
		specs = append(specs, ImageSpec{Name: fmt.Sprintf("img%d", i), Source: p})
	}
	chartDir := benchChartN(b, signBenchImages)
	priv, pub := benchKeys(b)
	sign := &SignOptions{KeyFile: priv, Password: []byte("pw")}
	release := func(signOpts *SignOptions) (*registrytest.Registry, *ReleaseResult, time.Duration) {
		r := registrytest.Start(b, registrytest.HtpasswdTLS())
		c := signBenchClient(b, r)
		ch := loadChart(b, chartDir)
		start := time.Now()
		res, err := c.Release(b.Context(), ch, ReleaseOptions{Dest: "oci://" + r.Host + "/shop", Images: specs, Sign: signOpts})
		if err != nil {
			b.Fatal(err)
		}
		return r, res, time.Since(start)
	}
	artifacts := func(res *ReleaseResult) []string {
		out := []string{strings.TrimPrefix(res.Chart.Pinned, Scheme)}
		for _, img := range res.Images {
			out = append(out, img.Ref)
		}
		return out
	}
	var plainT, signedT, verifyT, cosignSignT, cosignVerifyT time.Duration
	for i := 0; b.Loop(); i++ {
		var plainReg, signedReg *registrytest.Registry
		var plainRes, signedRes *ReleaseResult
		var d time.Duration
		if i%2 == 0 {
			plainReg, plainRes, d = release(nil)
			plainT += d
			signedReg, signedRes, d = release(sign)
			signedT += d
		} else {
			signedReg, signedRes, d = release(sign)
			signedT += d
			plainReg, plainRes, d = release(nil)
			plainT += d
		}
		if len(signedRes.Signatures) != signBenchImages+1 {
			b.Fatalf("release --sign made %d signatures", len(signedRes.Signatures))
		}

		// What --verify --verify-images adds to install: a fresh client
		// (token, resolves, signature manifests, payloads, ECDSA), the
		// chart already pulled.
		pulled, err := signBenchClient(b, signedReg).Pull(b.Context(), signedRes.Chart.Pinned, PullOptions{})
		if err != nil {
			b.Fatal(err)
		}
		ch, err := chartfmt.LoadArchive(bytesReader(pulled.Chart))
		if err != nil {
			b.Fatal(err)
		}
		fresh := signBenchClient(b, signedReg)
		verifyT += timed(func() {
			if _, err := fresh.Verify(b.Context(), signedRes.Chart.Pinned, VerifyOptions{KeyFiles: []string{pub}}); err != nil {
				b.Fatal(err)
			}
			vs, err := fresh.VerifyImages(b.Context(), ch, nil, "", VerifyOptions{KeyFiles: []string{pub}})
			if err != nil || len(vs) != signBenchImages {
				b.Fatalf("verify images: %d, %v", len(vs), err)
			}
		})

		cs := tools.NewCosign(b, plainReg.CAFile)
		cs.Login(b, plainReg.Host, plainReg.Username, plainReg.Password)
		cosignSignT += timed(func() {
			args := append([]string{"sign", "--key", priv, "--tlog-upload=false", "--yes"}, artifacts(plainRes)...)
			if _, err := cs.Run("", []string{"COSIGN_PASSWORD=pw"}, args...); err != nil {
				b.Fatal(err)
			}
		})
		cv := tools.NewCosign(b, signedReg.CAFile)
		cv.Login(b, signedReg.Host, signedReg.Username, signedReg.Password)
		cosignVerifyT += timed(func() {
			args := append([]string{"verify", "--key", pub, "--insecure-ignore-tlog"}, artifacts(signedRes)...)
			if _, err := cv.Run("", nil, args...); err != nil {
				b.Fatal(err)
			}
		})
	}
	n := float64(b.N)
	ms := func(d time.Duration) float64 { return d.Seconds() * 1000 / n }
	b.ReportMetric(ms(plainT), "release-ms")
	b.ReportMetric(ms(signedT), "release-sign-ms")
	b.ReportMetric((signedT-plainT).Seconds()/plainT.Seconds()*100, "sign-overhead-%")
	b.ReportMetric(ms(verifyT), "verify-6-ms")
	b.ReportMetric(ms(cosignSignT), "cosign-sign-6-ms")
	b.ReportMetric(ms(cosignVerifyT), "cosign-verify-6-ms")
}

func signBenchClient(b *testing.B, r *registrytest.Registry) *Client {
	c, err := NewClient(Options{CAFile: r.CAFile, Username: r.Username, Password: r.Password, CacheDir: b.TempDir(),
		DockerConfig: filepath.Join(b.TempDir(), "config.json"), HelmRegistryConfig: filepath.Join(b.TempDir(), "none.json")})
	if err != nil {
		b.Fatal(err)
	}
	return c
}
