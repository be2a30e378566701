package cli

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	registrytest "github.com/berth-dev/berth/registry-test"
	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// signEnv is a TLS htpasswd registry with berth's flags for it, a cosign
// oracle logged in to it, and COSIGN_PASSWORD set for both.
type signEnv struct {
	r      *registrytest.Registry
	cosign *tools.Cosign
	reg    []string // berth's registry flags
}

func newSignEnv(t *testing.T, withCosign bool) *signEnv {
	r := registrytest.Start(t, registrytest.HtpasswdTLS())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("SOURCE_DATE_EPOCH", "")
	t.Setenv("COSIGN_PASSWORD", "s3cret")
	e := &signEnv{r: r, reg: []string{"--ca-file", r.CAFile, "--username", r.Username, "--password", r.Password}}
	if withCosign {
		e.cosign = tools.NewCosign(t, r.CAFile)
		e.cosign.Login(t, r.Host, r.Username, r.Password)
	}
	return e
}

// berth runs berth with the registry flags appended and fails t unless it exits 0.
func (e *signEnv) berth(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runStdin(t, "", append(args, e.reg...)...)
	if code != 0 {
		t.Fatalf("berth %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// refused runs berth and fails t unless it exits 1 naming ref and reason
// with nothing on stdout.
func (e *signEnv) refused(t *testing.T, ref, reason string, args ...string) {
	t.Helper()
	code, out, errOut := runStdin(t, "", append(args, e.reg...)...)
	if code != 1 || out != "" || !strings.Contains(errOut, ref) || !strings.Contains(errOut, reason) {
		t.Fatalf("berth %s: exit %d, stdout %q, stderr %q; want a refusal naming %s and %q", strings.Join(args, " "), code, out, errOut, ref, reason)
	}
}

// cosignVerify runs `cosign verify --key` offline and returns the digest
// its payload names.
func (e *signEnv) cosignVerify(pub, ref string) (string, error) {
	out, err := e.cosign.Run("", nil, "verify", "--key", pub, "--insecure-ignore-tlog", "--output", "json", ref)
	if err != nil {
		return "", err
	}
	var sigs []struct {
		Critical struct {
			Image struct {
				Digest string `json:"docker-manifest-digest"`
			} `json:"image"`
		} `json:"critical"`
	}
	if err := json.Unmarshal([]byte(out), &sigs); err != nil || len(sigs) == 0 {
		return "", err
	}
	return sigs[0].Critical.Image.Digest, nil
}

// signedPayload returns the first payload stored in ref's sha256-<hex>.sig.
func (e *signEnv) signedPayload(t *testing.T, ref string) string {
	t.Helper()
	repo, dig, _ := strings.Cut(ref, "@")
	opts := []remote.Option{remote.WithTransport(e.r.HTTPClient().Transport), remote.WithAuth(&authn.Basic{Username: e.r.Username, Password: e.r.Password})}
	tag, err := name.ParseReference(repo + ":" + strings.Replace(dig, ":", "-", 1) + ".sig")
	if err != nil {
		t.Fatal(err)
	}
	img, err := remote.Image(tag, opts...)
	if err != nil {
		t.Fatal(err)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) == 0 {
		t.Fatalf("signature layers of %s: %v", ref, err)
	}
	rc, err := layers[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func keyGenerate(t *testing.T) (priv, pub string) {
	t.Helper()
	dir := t.TempDir()
	if code, _, errOut := runStdin(t, "", "key", "generate", dir); code != 0 {
		t.Fatalf("key generate: %s", errOut)
	}
	return filepath.Join(dir, "cosign.key"), filepath.Join(dir, "cosign.pub")
}

// TestSignaturesInteropWithCosign: `cosign verify --key` accepts what
// `berth release --sign` signed (chart and image) with a key from `berth
// key generate`, and berth verifies what `cosign sign --key` signed with a
// key from `cosign generate-key-pair`; each side refuses the other's key.
func TestSignaturesInteropWithCosign(t *testing.T) {
	e := newSignEnv(t, true)
	priv, pub := keyGenerate(t)
	cosignDir := t.TempDir()
	if _, err := e.cosign.Run(cosignDir, nil, "generate-key-pair"); err != nil {
		t.Fatal(err)
	}
	cosignKey, cosignPub := filepath.Join(cosignDir, "cosign.key"), filepath.Join(cosignDir, "cosign.pub")

	tarPath := filepath.Join(t.TempDir(), "podinfo.tar")
	dockerSave(t, tarPath, "ghcr.io/stefanprodan/podinfo:6.9.2")
	var rel releaseOutput
	out := e.berth(t, "release", copyChart(t, "podinfo"), "--image", "podinfo="+tarPath, "--to", "oci://"+e.r.Host+"/apps",
		"--sign", "--key", priv, "-o", "json")
	if err := json.Unmarshal([]byte(out), &rel); err != nil {
		t.Fatal(err)
	}
	chartRef := strings.TrimPrefix(rel.Chart, "oci://")
	imageRef := rel.Images[0].Ref
	// The payload berth signed is byte for byte the one cosign makes.
	want, err := e.cosign.Run("", nil, "generate", chartRef)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.signedPayload(t, chartRef); got != strings.TrimSpace(want) {
		t.Fatalf("berth's payload\n%s\ncosign generate\n%s", got, want)
	}
	for ref, want := range map[string]string{chartRef: rel.Digest, imageRef: rel.Images[0].Digest} {
		got, err := e.cosignVerify(pub, ref)
		if err != nil || got != want {
			t.Fatalf("cosign verify of berth's signature on %s: %q, %v; want %s", ref, got, err, want)
		}
		if _, err := e.cosignVerify(cosignPub, ref); err == nil {
			t.Fatalf("cosign verify of %s accepted a key that did not sign it", ref)
		}
	}

	// The other way: cosign signs a chart and an image, berth verifies.
	pushed := map[string]string{}
	out = e.berth(t, "push", copyChart(t, "podinfo"), "oci://"+e.r.Host+"/cosigned", "-o", "json")
	var p pushOutput
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	pushed[p.Pinned] = p.Digest
	pushed["oci://"+imageRef] = rel.Images[0].Digest
	_, otherPub := keyGenerate(t)
	for ref, dig := range pushed {
		e.refused(t, dig, "", "verify", ref, "--key", cosignPub) // not yet signed by cosign's key
		if _, err := e.cosign.Run("", nil, "sign", "--key", cosignKey, "--tlog-upload=false", "--yes", strings.TrimPrefix(ref, "oci://")); err != nil {
			t.Fatal(err)
		}
		out := e.berth(t, "verify", ref, "--key", otherPub, "--key", cosignPub, "-o", "json")
		var v verifyOutput
		if err := json.Unmarshal([]byte(out), &v); err != nil || v.Key != cosignPub || v.Subject != "oci://"+strings.TrimPrefix(ref, "oci://") {
			t.Fatalf("berth verify of cosign's signature on %s: %s", ref, out)
		}
		e.refused(t, dig, "made by none of the given keys", "verify", ref, "--key", otherPub)
	}
	// Pulling and rendering the cosign-signed chart with --verify works;
	// berth also signs with cosign's own key file.
	e.berth(t, "pull", p.Pinned, "--verify", "--key", cosignPub, "-d", t.TempDir())
	if out := e.berth(t, "template", "web", p.Pinned, "--verify", "--key", cosignPub); !strings.Contains(out, "kind: Deployment") {
		t.Fatalf("template --verify rendered %q", out)
	}
	e.berth(t, "sign", p.Pinned, "--key", cosignKey)
	if got, err := e.cosignVerify(cosignPub, strings.TrimPrefix(p.Pinned, "oci://")); err != nil || got != p.Digest {
		t.Fatalf("cosign verify after berth signed with cosign's key: %q, %v", got, err)
	}
	// And cosign signs with the key file berth generated (0600, as cosign writes it).
	if fi, err := os.Stat(priv); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("berth key generate: %s mode %v, %v", priv, fi.Mode(), err)
	}
	if _, err := e.cosign.Run("", nil, "sign", "--key", priv, "--tlog-upload=false", "--yes", strings.TrimPrefix(p.Pinned, "oci://")); err != nil {
		t.Fatal(err)
	}
	e.berth(t, "verify", p.Pinned, "--key", pub)
}

// TestVerifyRefusesTampering: template, show and pull --verify refuse,
// before rendering or writing anything, a chart moved under its tag with one
// byte changed, a chart signed by another key, a chart whose signature tag
// holds a signature over another digest, and an unsigned chart.
func TestVerifyRefusesTampering(t *testing.T) {
	e := newSignEnv(t, false)
	priv, pub := keyGenerate(t)
	otherPriv, _ := keyGenerate(t)
	ns := "oci://" + e.r.Host + "/charts"
	push := func(chart string, args ...string) pushOutput {
		var p pushOutput
		if err := json.Unmarshal([]byte(e.berth(t, append([]string{"push", chart, ns, "-o", "json"}, args...)...)), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	chart := copyChart(t, "podinfo")
	signed := push(chart, "--sign", "--key", priv)
	tag := ns + "/podinfo:" + signed.Version
	e.berth(t, "template", "web", tag, "--verify", "--key", pub) // the control: it verifies

	// One byte changed, re-pushed over the same version.
	vals := filepath.Join(chart, "values.yaml")
	b, _ := os.ReadFile(vals)
	if err := os.WriteFile(vals, append(b, ' '), 0o644); err != nil {
		t.Fatal(err)
	}
	moved := push(chart, "--force")
	if moved.Digest == signed.Digest {
		t.Fatal("the changed chart has the same digest")
	}
	dest := t.TempDir()
	for _, cmd := range [][]string{{"template", "web", tag}, {"show", "values", tag}, {"pull", tag, "-d", dest}} {
		e.refused(t, moved.Digest, "not signed", append(cmd, "--verify", "--key", pub)...)
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 0 {
		t.Fatalf("a refused pull wrote %d files", len(entries))
	}

	other := push(copyChart(t, "istio-base"), "--sign", "--key", otherPriv)
	e.refused(t, other.Digest, "made by none of the given keys", "template", "db", other.Pinned, "--verify", "--key", pub)

	// The valid signature of the first chart copied to the moved chart's
	// signature tag: the right key, the wrong digest.
	opts := []remote.Option{remote.WithTransport(e.r.HTTPClient().Transport), remote.WithAuth(&authn.Basic{Username: e.r.Username, Password: e.r.Password})}
	repo := e.r.Host + "/charts/podinfo:"
	from, _ := name.ParseReference(repo + "sha256-" + strings.TrimPrefix(signed.Digest, "sha256:") + ".sig")
	to, _ := name.ParseReference(repo + "sha256-" + strings.TrimPrefix(moved.Digest, "sha256:") + ".sig")
	src, err := remote.Get(from, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Put(to, src, opts...); err != nil {
		t.Fatal(err)
	}
	e.refused(t, moved.Digest, "signature is over "+signed.Digest+", not "+moved.Digest, "template", "web", tag, "--verify", "--key", pub)

	unsigned := push(copyChart(t, "redis"))
	e.refused(t, unsigned.Digest, "not signed", "show", "chart", unsigned.Pinned, "--verify", "--key", pub)
	// --verify --key is for registry charts; --verify without --key checks
	// the chart's PGP .prov against the keyring (Helm's default one here).
	e.refused(t, chart, "oci://", "template", "web", chart, "--verify", "--key", pub)
	gnupg := t.TempDir()
	t.Setenv("GNUPGHOME", gnupg)
	e.refused(t, filepath.Join(gnupg, "pubring.gpg"), "failed to load keyring", "template", "web", unsigned.Pinned, "--verify")
}

// TestSignaturesTravelWithCopy: a chart and image signed at release in a
// lab registry (plain HTTP) still verify with the same key after `copy`
// (chart as is) and `copy --with-images` (the images; the rewritten chart is
// a new artifact) to a TLS registry, by berth and by cosign.
func TestSignaturesTravelWithCopy(t *testing.T) {
	e := newSignEnv(t, true)
	lab := registrytest.Start(t)
	priv, pub := keyGenerate(t)
	tarPath := filepath.Join(t.TempDir(), "podinfo.tar")
	dockerSave(t, tarPath, "ghcr.io/stefanprodan/podinfo:6.9.2")
	code, out, errOut := runStdin(t, "", "release", copyChart(t, "podinfo"), "--image", "podinfo="+tarPath,
		"--to", "oci://"+lab.Host+"/apps", "--plain-http", "--sign", "--key", priv, "-o", "json")
	if code != 0 {
		t.Fatalf("release --sign to the lab: %s", errOut)
	}
	var rel releaseOutput
	if err := json.Unmarshal([]byte(out), &rel); err != nil {
		t.Fatal(err)
	}
	var copied, moved releaseOutput
	if err := json.Unmarshal([]byte(e.berth(t, "copy", rel.Chart, "--to", "oci://"+e.r.Host+"/mirror", "--from-plain-http", "-o", "json")), &copied); err != nil {
		t.Fatal(err)
	}
	e.berth(t, "verify", copied.Chart, "--key", pub)
	if err := json.Unmarshal([]byte(e.berth(t, "copy", rel.Chart, "--to", "oci://"+e.r.Host+"/moved", "--with-images", "--from-plain-http", "-o", "json")), &moved); err != nil {
		t.Fatal(err)
	}
	img := moved.Images[0].Ref
	if !strings.HasPrefix(img, e.r.Host+"/moved/") || moved.Images[0].Digest != rel.Images[0].Digest {
		t.Fatalf("copied image %+v", moved.Images[0])
	}
	e.berth(t, "verify", img, "--key", pub)
	for _, ref := range []string{strings.TrimPrefix(copied.Chart, "oci://"), img} {
		if _, err := e.cosignVerify(pub, ref); err != nil {
			t.Fatalf("cosign verify of the copy %s: %v", ref, err)
		}
	}
	// Copying again adds nothing: still one signature.
	e.berth(t, "copy", rel.Chart, "--to", "oci://"+e.r.Host+"/mirror", "--from-plain-http")
	out, err := e.cosign.Run("", nil, "verify", "--key", pub, "--insecure-ignore-tlog", "--output", "json", strings.TrimPrefix(copied.Chart, "oci://"))
	if err != nil || strings.Count(out, "docker-manifest-digest") != 1 {
		t.Fatalf("signatures after a second copy: %v %s", err, out)
	}
}

// TestInstallVerify: install --verify refuses an unsigned chart and one
// signed by another key before anything reaches the cluster (no release
// Secret, no object), installs the chart signed by the key, and upgrade
// --verify refuses the tag moved to an unsigned chart.
func TestInstallVerify(t *testing.T) {
	e := newSignEnv(t, false)
	cluster, err := testcluster.Start(t.Context(), testcluster.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Stop)
	const ns = "signed"
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := cluster.WriteKubeconfig(kubeconfig, ns); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kubeconfig)
	priv, pub := keyGenerate(t)
	otherPriv, _ := keyGenerate(t)
	chart := copyChart(t, "podinfo")
	var unsigned, other, signed pushOutput
	for _, p := range []struct {
		out  *pushOutput
		repo string
		args []string
	}{{&unsigned, "/plain", nil}, {&other, "/other", []string{"--sign", "--key", otherPriv}}, {&signed, "/apps", []string{"--sign", "--key", priv}}} {
		if err := json.Unmarshal([]byte(e.berth(t, append([]string{"push", chart, "oci://" + e.r.Host + p.repo, "-o", "json"}, p.args...)...)), p.out); err != nil {
			t.Fatal(err)
		}
	}
	secrets := func() int {
		list, err := cluster.Clientset().CoreV1().Secrets(ns).List(t.Context(), metav1.ListOptions{LabelSelector: "owner=helm"})
		if err != nil {
			t.Fatal(err)
		}
		return len(list.Items)
	}
	install := func(ref string) []string {
		return []string{"install", "web", ref, "-n", ns, "--create-namespace", "--verify", "--key", pub}
	}
	e.refused(t, unsigned.Digest, "not signed", install(unsigned.Pinned)...)
	e.refused(t, other.Digest, "made by none of the given keys", install(other.Pinned)...)
	if n := secrets(); n != 0 {
		t.Fatalf("refused installs wrote %d release Secrets", n)
	}
	if _, err := cluster.Clientset().CoreV1().Namespaces().Get(t.Context(), ns, metav1.GetOptions{}); err == nil {
		t.Fatal("a refused install created the namespace")
	}
	tag := "oci://" + e.r.Host + "/apps/podinfo:" + signed.Version
	e.berth(t, install(tag)...)
	if n := secrets(); n != 1 {
		t.Fatalf("the verified install wrote %d release Secrets, want 1", n)
	}
	// The release records the pinned chart and what was verified.
	code, out, errOut := runStdin(t, "", "status", "web", "-n", ns, "-o", "json")
	var st struct {
		Origin *struct {
			Ref      string   `json:"ref"`
			Verified []string `json:"verified"`
		} `json:"origin"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st.Origin == nil ||
		st.Origin.Ref != "oci://"+e.r.Host+"/apps/podinfo@"+signed.Digest || len(st.Origin.Verified) != 1 || !strings.Contains(st.Origin.Verified[0], "chart signature") {
		t.Fatalf("status -o json of the verified release: exit %d %s %s", code, out, errOut)
	}
	// history and list -o json carry it too.
	for _, args := range [][]string{{"history", "web", "-n", ns, "-o", "json"}, {"list", "-n", ns, "-o", "json"}} {
		code, out, errOut := runStdin(t, "", args...)
		var rows []struct {
			Origin *struct {
				Ref string `json:"ref"`
			} `json:"origin"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &rows) != nil || len(rows) != 1 || rows[0].Origin == nil ||
			rows[0].Origin.Ref != "oci://"+e.r.Host+"/apps/podinfo@"+signed.Digest {
			t.Fatalf("%v: exit %d %s %s", args, code, out, errOut)
		}
	}
	if code, out, _ = runStdin(t, "", "status", "web", "-n", ns); code != 0 ||
		!strings.Contains(out, "CHART SOURCE: oci://"+e.r.Host+"/apps/podinfo@"+signed.Digest+"\nVERIFIED: chart signature (cosign, key "+pub+")\n") {
		t.Fatalf("status of the verified release:\n%s", out)
	}
	// The version moved to other content: upgrade --verify refuses it.
	b, _ := os.ReadFile(filepath.Join(chart, "values.yaml"))
	os.WriteFile(filepath.Join(chart, "values.yaml"), append(b, ' '), 0o644)
	e.berth(t, "push", chart, "oci://"+e.r.Host+"/apps", "--force")
	code, out, errOut = runStdin(t, "", append([]string{"upgrade", "web", tag, "-n", ns, "--verify", "--key", pub}, e.reg...)...)
	if code != 1 || out != "" || !strings.Contains(errOut, "not signed") {
		t.Fatalf("upgrade --verify of the moved tag: exit %d %q %q", code, out, errOut)
	}
	if n := secrets(); n != 1 {
		t.Fatalf("a refused upgrade left %d release Secrets, want 1", n)
	}
	e.refused(t, signed.Version, "not signed", "diff", "upgrade", "web", tag, "-n", ns, "--verify", "--key", pub)

	// The air-gap flow: release --sign, bundle save, bundle push
	// --sign with the same key to the site, install --verify
	// --verify-images from the site.
	tarPath := filepath.Join(t.TempDir(), "podinfo.tar")
	dockerSave(t, tarPath, "ghcr.io/stefanprodan/podinfo:6.9.2")
	var rel, site releaseOutput
	if err := json.Unmarshal([]byte(e.berth(t, "release", copyChart(t, "podinfo"), "--image", "podinfo="+tarPath,
		"--to", "oci://"+e.r.Host+"/build", "--sign", "--key", priv, "-o", "json")), &rel); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "podinfo.tar")
	e.berth(t, "bundle", "save", rel.Chart, "-o", bundle, "--skip-test-images", "--verify", "--key", pub)
	if err := json.Unmarshal([]byte(e.berth(t, "bundle", "push", bundle, "--to", "oci://"+e.r.Host+"/site", "--sign", "--key", priv, "-o", "json")), &site); err != nil {
		t.Fatal(err)
	}
	e.berth(t, "install", "site", site.Chart, "-n", ns, "--verify", "--verify-images", "--key", pub)
	if n := secrets(); n != 2 {
		t.Fatalf("after the site install: %d release Secrets, want 2", n)
	}
	if code, out, _ = runStdin(t, "", "status", "site", "-n", ns); code != 0 || !strings.Contains(out, "CHART SOURCE: "+strings.SplitN(site.Chart, "@", 2)[0]) ||
		!strings.Contains(out, "; image signatures (cosign, key "+pub+")") {
		t.Fatalf("status of the site release:\n%s", out)
	}
}

// TestSignaturesTravelInBundles: the images signed at release keep their
// signatures through bundle save (listed in the bundle) and bundle push to
// another registry, where berth and cosign verify them with the same key.
func TestSignaturesTravelInBundles(t *testing.T) {
	e := newSignEnv(t, true)
	lab := registrytest.Start(t)
	priv, pub := keyGenerate(t)
	tarPath := filepath.Join(t.TempDir(), "podinfo.tar")
	dockerSave(t, tarPath, "ghcr.io/stefanprodan/podinfo:6.9.2")
	code, out, errOut := runStdin(t, "", "release", copyChart(t, "podinfo"), "--image", "podinfo="+tarPath,
		"--to", "oci://"+lab.Host+"/apps", "--plain-http", "--sign", "--key", priv, "-o", "json")
	if code != 0 {
		t.Fatalf("release --sign to the lab: %s", errOut)
	}
	var rel releaseOutput
	if err := json.Unmarshal([]byte(out), &rel); err != nil {
		t.Fatal(err)
	}
	bundle := filepath.Join(t.TempDir(), "podinfo.tar")
	_, otherPub := keyGenerate(t)
	code, _, errOut = runStdin(t, "", "bundle", "save", rel.Chart, "-o", bundle, "--plain-http", "--verify", "--key", otherPub)
	if _, err := os.Stat(bundle); code != 1 || !strings.Contains(errOut, "made by none of the given keys") || err == nil {
		t.Fatalf("bundle save --verify with another key: exit %d, %s, bundle written: %v", code, errOut, err == nil)
	}
	if code, _, errOut := runStdin(t, "", "bundle", "save", rel.Chart, "-o", bundle, "--plain-http", "--skip-test-images", "--verify", "--key", pub); code != 0 {
		t.Fatalf("bundle save: %s", errOut)
	}
	code, out, errOut = runStdin(t, "", "bundle", "list", bundle, "-o", "json")
	if code != 0 || !strings.Contains(out, `"kind":"signature","ref":"`+lab.Host+"/apps/podinfo:") || !strings.Contains(out, rel.Images[0].Digest+`","digest"`) {
		t.Fatalf("bundle list: exit %d %s %s; want the image's signature", code, out, errOut)
	}
	var pushed releaseOutput
	if err := json.Unmarshal([]byte(e.berth(t, "bundle", "push", bundle, "--to", "oci://"+e.r.Host+"/site", "-o", "json")), &pushed); err != nil {
		t.Fatal(err)
	}
	img := pushed.Images[0].Ref
	if !strings.HasPrefix(img, e.r.Host+"/site/") || pushed.Images[0].Digest != rel.Images[0].Digest {
		t.Fatalf("pushed image %+v", pushed.Images[0])
	}
	e.berth(t, "verify", img, "--key", pub)
	if _, err := e.cosignVerify(pub, img); err != nil {
		t.Fatalf("cosign verify of the bundled image at the site: %v", err)
	}
	// The chart was rewritten for the site: unsigned there, unless bundle
	// push signs it (the images keep the signatures they carried).
	e.refused(t, pushed.Digest, "not signed", "template", "web", pushed.Chart, "--verify", "--key", pub)
	var signed releaseOutput
	if err := json.Unmarshal([]byte(e.berth(t, "bundle", "push", bundle, "--to", "oci://"+e.r.Host+"/site2", "--sign", "--key", priv, "-o", "json")), &signed); err != nil {
		t.Fatal(err)
	}
	e.berth(t, "template", "web", signed.Chart, "--verify", "--key", pub)
	if _, err := e.cosignVerify(pub, strings.TrimPrefix(signed.Chart, "oci://")); err != nil {
		t.Fatalf("cosign verify of the chart bundle push signed: %v", err)
	}
}

// TestVerifyCosignReferrer: berth verifies a signature that cosign stored
// as an OCI 1.1 referrer (`--registry-referrers-mode=oci-1-1`) on a registry
// that serves the referrers API.
func TestVerifyCosignReferrer(t *testing.T) {
	r := registrytest.Start(t, registrytest.InMemory(), registrytest.TLS())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	t.Setenv("COSIGN_PASSWORD", "s3cret")
	e := &signEnv{r: r, reg: []string{"--ca-file", r.CAFile}, cosign: tools.NewCosign(t, r.CAFile)}
	priv, pub := keyGenerate(t)
	var p pushOutput
	if err := json.Unmarshal([]byte(e.berth(t, "push", copyChart(t, "podinfo"), "oci://"+r.Host+"/charts", "-o", "json")), &p); err != nil {
		t.Fatal(err)
	}
	if _, err := e.cosign.Run("", []string{"COSIGN_EXPERIMENTAL=1"}, "sign", "--key", priv, "--tlog-upload=false", "--yes",
		"--registry-referrers-mode=oci-1-1", strings.TrimPrefix(p.Pinned, "oci://")); err != nil {
		t.Fatal(err)
	}
	var v verifyOutput
	if err := json.Unmarshal([]byte(e.berth(t, "verify", p.Pinned, "--key", pub, "-o", "json")), &v); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(v.Source, "referrer sha256:") {
		t.Fatalf("verified from %q, want cosign's referrer", v.Source)
	}
	_, other := keyGenerate(t)
	e.refused(t, p.Digest, "made by none of the given keys", "verify", p.Pinned, "--key", other)
}

// TestVerifyImages: --verify-images also requires a signature on every image
// the chart renders; a signed chart whose image is not signed is refused
// naming the image, and passes once the image is signed.
func TestVerifyImages(t *testing.T) {
	e := newSignEnv(t, false)
	priv, pub := keyGenerate(t)
	tarPath := filepath.Join(t.TempDir(), "podinfo.tar")
	dockerSave(t, tarPath, "ghcr.io/stefanprodan/podinfo:6.9.2")
	var rel releaseOutput
	if err := json.Unmarshal([]byte(e.berth(t, "release", copyChart(t, "podinfo"), "--image", "podinfo="+tarPath,
		"--to", "oci://"+e.r.Host+"/apps", "-o", "json")), &rel); err != nil {
		t.Fatal(err)
	}
	e.berth(t, "sign", rel.Chart, "--key", priv) // the chart only
	e.berth(t, "template", "web", rel.Chart, "--verify", "--key", pub)
	e.refused(t, rel.Images[0].Digest+" of chart podinfo", "not signed", "template", "web", rel.Chart, "--verify", "--verify-images", "--key", pub)
	e.refused(t, "--verify-images", "needs --verify", "template", "web", rel.Chart, "--verify-images", "--key", pub)
	e.berth(t, "sign", rel.Images[0].Ref, "--key", priv)
	if out := e.berth(t, "template", "web", rel.Chart, "--verify", "--verify-images", "--key", pub); !strings.Contains(out, rel.Images[0].Digest) {
		t.Fatalf("template --verify-images rendered %q", out)
	}
}
