package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/berth-dev/berth/chartfmt/provenance/pgptest"
	"github.com/berth-dev/berth/registry-test/classic"
	"github.com/berth-dev/berth/testcluster"
	"github.com/berth-dev/berth/tools"
)

// provChart writes a small chart NAME-VERSION whose values differ by salt.
func provChart(t *testing.T, name, version, salt string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"Chart.yaml":               "apiVersion: v2\nname: " + name + "\nversion: " + version + "\ndescription: provenance test chart\n",
		"values.yaml":              "salt: " + salt + "\n",
		"templates/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cm\ndata:\n  salt: {{ .Values.salt | quote }}\n",
	}
	for n, body := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// mustBerth runs berth and fails t unless it exits 0.
func mustBerth(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runStdin(t, "", args...)
	if code != 0 {
		t.Fatalf("berth %s: exit %d: %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// refusedProv runs berth and fails t unless it exits 1 with reason on
// stderr and nothing on stdout.
func refusedProv(t *testing.T, reason string, args ...string) {
	t.Helper()
	code, out, errOut := runStdin(t, "", args...)
	if code != 1 || out != "" || !strings.Contains(errOut, reason) {
		t.Fatalf("berth %s: exit %d, stdout %q, stderr %q; want a refusal with %q", strings.Join(args, " "), code, out, errOut, reason)
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

// provRepo is an nginx classic repository (TLS) with charts signed by
// helm and by berth, an unsigned one and a tampered one, added to berth as
// "signed" and to the helm oracle the same way.
type provRepo struct {
	srv        *classic.Server
	helm       *tools.Helm
	key, other pgptest.Key
}

// passFile is a --passphrase-file for r.key.
func (r *provRepo) passFile(t *testing.T) string {
	pass := filepath.Join(t.TempDir(), "pass")
	if err := os.WriteFile(pass, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return pass
}

func startProvRepo(t *testing.T) *provRepo {
	t.Helper()
	h := tools.NewHelm(t)
	r := &provRepo{helm: h, key: pgptest.NewKey(t, "Chart Signer", "signer@example.com", "s3cret"),
		other: pgptest.NewKey(t, "Someone Else", "else@example.com", "")}
	pass := r.passFile(t)
	dir := t.TempDir()
	// helm signs 1.0.0, berth signs 2.0.0.
	h.MustRun(t, "package", provChart(t, "signme", "1.0.0", "a"), "-d", dir, "--sign", "--key", "Chart Signer", "--keyring", r.key.SecretRing, "--passphrase-file", pass)
	mustBerth(t, "package", provChart(t, "signme", "2.0.0", "b"), "-d", dir, "--sign", "--key", "Chart Signer", "--keyring", r.key.SecretRing, "--passphrase-file", pass)
	h.MustRun(t, "package", provChart(t, "nosig", "1.0.0", "c"), "-d", dir)
	// tampered: the archive was rebuilt after it was signed.
	h.MustRun(t, "package", provChart(t, "tampered", "1.0.0", "d"), "-d", dir, "--sign", "--key", "Chart Signer", "--keyring", r.key.SecretRing, "--passphrase-file", pass)
	h.MustRun(t, "package", provChart(t, "tampered", "1.0.0", "e"), "-d", dir)
	classic.Index(t, h, dir, "")
	r.srv = classic.Start(t, dir, classic.TLS())
	b := t.TempDir()
	t.Setenv("HELM_REPOSITORY_CONFIG", filepath.Join(b, "repositories.yaml"))
	t.Setenv("HELM_REPOSITORY_CACHE", filepath.Join(b, "cache"))
	mustBerth(t, "repo", "add", "signed", r.srv.URL, "--ca-file", r.srv.CAFile)
	h.MustRun(t, "repo", "add", "signed", r.srv.URL, "--ca-file", r.srv.CAFile)
	return r
}

// TestProvenanceClassicPull: pull --verify of a classic repository's chart
// saves the archive and its .prov exactly as helm pull --verify does (for
// a .prov helm wrote and one berth wrote), prints helm's verification
// lines, and refuses an unsigned, a tampered or a foreign-key chart with
// helm's error and nothing written.
func TestProvenanceClassicPull(t *testing.T) {
	r := startProvRepo(t)
	for _, version := range []string{"1.0.0", "2.0.0"} {
		bdir, hdir := t.TempDir(), t.TempDir()
		out := mustBerth(t, "pull", "signed/signme", "--version", version, "--verify", "--keyring", r.key.PublicRing, "-d", bdir)
		hout := r.helm.MustRun(t, "pull", "signed/signme", "--version", version, "--verify", "--keyring", r.key.PublicRing, "-d", hdir)
		if !strings.HasSuffix(out, hout) || !strings.Contains(hout, r.key.Fingerprint) {
			t.Fatalf("%s: berth printed\n%s\nhelm printed\n%s", version, out, hout)
		}
		want := []string{"signme-" + version + ".tgz", "signme-" + version + ".tgz.prov"}
		if got := dirNames(t, bdir); !slices.Equal(got, want) || !slices.Equal(dirNames(t, hdir), want) {
			t.Fatalf("%s: berth wrote %v, helm %v, want %v", version, got, dirNames(t, hdir), want)
		}
		for _, f := range want {
			b, _ := os.ReadFile(filepath.Join(bdir, f))
			h, _ := os.ReadFile(filepath.Join(hdir, f))
			if string(b) != string(h) {
				t.Fatalf("%s differs from helm's", f)
			}
		}
		// helm verify and berth verify agree on the saved pair.
		r.helm.MustRun(t, "verify", filepath.Join(bdir, want[0]), "--keyring", r.key.PublicRing)
		if v := mustBerth(t, "verify", filepath.Join(bdir, want[0]), "--keyring", r.key.PublicRing); v != hout {
			t.Fatalf("berth verify printed %q, helm pull --verify %q", v, hout)
		}
	}
	// -o json carries the verification.
	var pulled pullOutput
	if err := json.Unmarshal([]byte(mustBerth(t, "pull", "signed/signme", "--version", "1.0.0", "--verify", "--keyring", r.key.PublicRing, "-d", t.TempDir(), "-o", "json")), &pulled); err != nil ||
		pulled.Provenance == nil || pulled.Provenance.Fingerprint != r.key.Fingerprint || pulled.Provenance.FileHash != pulled.Digest {
		t.Fatalf("pull -o json: %v %+v", err, pulled.Provenance)
	}
	// A direct URL works the same way.
	udir := t.TempDir()
	mustBerth(t, "pull", r.srv.URL+"/signme-2.0.0.tgz", "--ca-file", r.srv.CAFile, "--verify", "--keyring", r.key.PublicRing, "-d", udir)
	if got := dirNames(t, udir); len(got) != 2 {
		t.Fatalf("pull of the URL wrote %v", got)
	}

	cases := []struct {
		name, ref, ring, reason string
	}{
		{"unsigned", "signed/nosig", r.key.PublicRing, `failed to fetch provenance "` + r.srv.URL + `/nosig-1.0.0.tgz.prov"`},
		{"tampered", "signed/tampered", r.key.PublicRing, "sha256 sum does not match for tampered-1.0.0.tgz"},
		{"other key", "signed/signme", r.other.PublicRing, "openpgp: signature made by unknown entity"},
		{"no keyring", "signed/signme", filepath.Join(t.TempDir(), "pubring.gpg"), "failed to load keyring: open "},
	}
	for _, c := range cases {
		dest := t.TempDir()
		refusedProv(t, c.reason, "pull", c.ref, "--verify", "--keyring", c.ring, "-d", dest)
		if got := dirNames(t, dest); len(got) != 0 {
			t.Errorf("%s: a refused pull wrote %v", c.name, got)
		}
		// helm refuses it too, with the same message.
		_, err := r.helm.Run(nil, "pull", c.ref, "--verify", "--keyring", c.ring, "-d", t.TempDir())
		if he, ok := err.(*tools.HelmError); !ok || !strings.Contains(he.Stderr, strings.TrimSuffix(c.reason, "open ")) {
			t.Errorf("%s: helm: %v", c.name, err)
		}
	}
	// --prov fetches the .prov without verifying it, as helm pull --prov.
	pdir, hpdir := t.TempDir(), t.TempDir()
	mustBerth(t, "pull", "signed/tampered", "--prov", "-d", pdir)
	r.helm.MustRun(t, "pull", "signed/tampered", "--prov", "-d", hpdir)
	if got, want := dirNames(t, pdir), dirNames(t, hpdir); !slices.Equal(got, want) || len(got) != 2 {
		t.Fatalf("pull --prov wrote %v, helm %v", got, want)
	}
	// Without a .prov in the repository, helm pull --prov warns and saves the archive.
	pdir, hpdir = t.TempDir(), t.TempDir()
	code, _, errOut := runStdin(t, "", "pull", "signed/nosig", "--prov", "-d", pdir)
	hout := r.helm.MustRun(t, "pull", "signed/nosig", "--prov", "-d", hpdir)
	if got, want := dirNames(t, pdir), dirNames(t, hpdir); code != 0 || !slices.Equal(got, want) || len(got) != 1 ||
		!strings.Contains(errOut, "Verification not found for "+r.srv.URL+"/nosig-1.0.0.tgz") || !strings.Contains(hout, "Verification not found") {
		t.Fatalf("pull --prov without a .prov: exit %d %q, wrote %v, helm %v %q", code, errOut, got, want, hout)
	}
	// The default keyring is $GNUPGHOME/pubring.gpg.
	gnupg := t.TempDir()
	b, _ := os.ReadFile(r.key.PublicRing)
	os.WriteFile(filepath.Join(gnupg, "pubring.gpg"), b, 0o644)
	t.Setenv("GNUPGHOME", gnupg)
	mustBerth(t, "pull", "signed/signme", "--verify", "-d", t.TempDir())
	// --key is cosign's, for oci:// charts: refused rather than ignored.
	refusedProv(t, "classic repository", "pull", "signed/signme", "--verify", "--key", r.key.PublicRing, "-d", t.TempDir())
	// --keyring alone does not verify: refused rather than ignored.
	refusedProv(t, "--keyring is given without --verify", "pull", "signed/signme", "--keyring", r.key.PublicRing, "-d", t.TempDir())
}

// TestProvenanceClassicRender: template, show and dependency update/build
// check the .prov with --verify; the rendered output is that of the
// unverified chart.
func TestProvenanceClassicRender(t *testing.T) {
	r := startProvRepo(t)
	ring := r.key.PublicRing
	plain := mustBerth(t, "template", "x", "signed/signme")
	if got := mustBerth(t, "template", "x", "signed/signme", "--verify", "--keyring", ring); got != plain || !strings.Contains(plain, "salt: \"b\"") {
		t.Fatalf("template --verify:\n%s\nwithout:\n%s", got, plain)
	}
	refusedProv(t, "sha256 sum does not match", "template", "x", "signed/tampered", "--verify", "--keyring", ring)
	refusedProv(t, "failed to fetch provenance", "show", "values", "signed/nosig", "--verify", "--keyring", ring)
	if got := mustBerth(t, "show", "chart", "signed/signme", "--verify", "--keyring", ring); !strings.Contains(got, "name: signme") {
		t.Fatalf("show chart --verify: %s", got)
	}
	refusedProv(t, "signature made by unknown entity", "show", "chart", "signed/signme", "--verify", "--keyring", r.other.PublicRing)
	// A local archive is verified with the .prov next to it, as helm does.
	d := t.TempDir()
	mustBerth(t, "pull", "signed/signme", "--verify", "--keyring", ring, "-d", d)
	if got := mustBerth(t, "template", "x", filepath.Join(d, "signme-2.0.0.tgz"), "--verify", "--keyring", ring); got != plain {
		t.Fatalf("template --verify of the local archive:\n%s", got)
	}
	os.Remove(filepath.Join(d, "signme-2.0.0.tgz.prov"))
	refusedProv(t, "could not load provenance file", "template", "x", filepath.Join(d, "signme-2.0.0.tgz"), "--verify", "--keyring", ring)

	// dependency update/build --verify.
	parent := t.TempDir()
	chartYAML := func(dep string) {
		os.WriteFile(filepath.Join(parent, "Chart.yaml"), []byte("apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n  - name: "+dep+"\n    version: 1.0.0\n    repository: "+r.srv.URL+"\n"), 0o644)
	}
	chartYAML("signme")
	mustBerth(t, "dependency", "update", parent, "--verify", "--keyring", ring)
	mustBerth(t, "dependency", "build", parent, "--verify", "--keyring", ring)
	refusedProv(t, "signature made by unknown entity", "dependency", "build", parent, "--verify", "--keyring", r.other.PublicRing)
	chartYAML("nosig")
	refusedProv(t, "failed to fetch provenance", "dependency", "update", parent, "--verify", "--keyring", ring)
}

// TestProvenanceOCI: a chart pushed with its .prov (helm push attaches it
// as a provenance layer) passes pull/show/template --verify --keyring; one
// pushed without is refused, and so is the wrong keyring.
func TestProvenanceOCI(t *testing.T) {
	e := newSignEnv(t, false)
	h := tools.NewHelm(t)
	key := pgptest.NewKey(t, "Chart Signer", "signer@example.com", "")
	other := pgptest.NewKey(t, "Someone Else", "else@example.com", "")
	signed, unsigned := t.TempDir(), t.TempDir()
	h.MustRun(t, "package", provChart(t, "ocisig", "1.0.0", "a"), "-d", signed, "--sign", "--key", "Chart Signer", "--keyring", key.SecretRing)
	h.MustRun(t, "package", provChart(t, "ocisig", "1.0.0", "a"), "-d", unsigned)
	e.berth(t, "push", filepath.Join(signed, "ocisig-1.0.0.tgz"), "oci://"+e.r.Host+"/signed")
	e.berth(t, "push", filepath.Join(unsigned, "ocisig-1.0.0.tgz"), "oci://"+e.r.Host+"/plain")
	ref := "oci://" + e.r.Host + "/signed/ocisig"
	d := t.TempDir()
	out := e.berth(t, "pull", ref, "--version", "1.0.0", "--verify", "--keyring", key.PublicRing, "-d", d)
	if !strings.Contains(out, "Using Key With Fingerprint: "+key.Fingerprint) {
		t.Fatalf("pull --verify printed %s", out)
	}
	if got := dirNames(t, d); !slices.Equal(got, []string{"ocisig-1.0.0.tgz", "ocisig-1.0.0.tgz.prov"}) {
		t.Fatalf("pull --verify wrote %v", got)
	}
	// helm pull --verify of the same chart: the same files and lines.
	h.MustRun(t, "registry", "login", e.r.Host, "--username", e.r.Username, "--password", e.r.Password, "--ca-file", e.r.CAFile)
	hd := t.TempDir()
	hout := h.MustRun(t, "pull", ref, "--version", "1.0.0", "--verify", "--keyring", key.PublicRing, "-d", hd, "--ca-file", e.r.CAFile)
	if got := dirNames(t, hd); !slices.Equal(got, dirNames(t, d)) {
		t.Fatalf("helm pull --verify wrote %v", got)
	}
	for _, f := range dirNames(t, d) {
		b, _ := os.ReadFile(filepath.Join(d, f))
		hb, _ := os.ReadFile(filepath.Join(hd, f))
		if string(b) != string(hb) {
			t.Fatalf("%s differs from helm's", f)
		}
	}
	if i := strings.Index(hout, "Signed by:"); i < 0 || !strings.HasSuffix(out, hout[i:]) {
		t.Fatalf("berth printed\n%s\nhelm printed\n%s", out, hout)
	}
	var vj provenanceOutput
	if err := json.Unmarshal([]byte(mustBerth(t, "verify", filepath.Join(d, "ocisig-1.0.0.tgz"), "--keyring", key.PublicRing, "-o", "json")), &vj); err != nil ||
		vj.Fingerprint != key.Fingerprint || !slices.Equal(vj.SignedBy, []string{key.Name}) {
		t.Fatalf("verify -o json: %v %+v", err, vj)
	}
	r := mustBerth(t, "verify", filepath.Join(d, "ocisig-1.0.0.tgz"), "--keyring", key.PublicRing)
	if hv := h.MustRun(t, "verify", filepath.Join(d, "ocisig-1.0.0.tgz"), "--keyring", key.PublicRing); hv != r {
		t.Fatalf("berth verify %q, helm verify %q", r, hv)
	}
	e.berth(t, "show", "chart", ref, "--version", "1.0.0", "--verify", "--keyring", key.PublicRing)
	e.berth(t, "template", "x", ref, "--version", "1.0.0", "--verify", "--keyring", key.PublicRing)
	e.refused(t, "ocisig", "signature made by unknown entity", "pull", ref, "--version", "1.0.0", "--verify", "--keyring", other.PublicRing, "-d", t.TempDir())
	e.refused(t, "ocisig", "has no provenance layer", "pull", "oci://"+e.r.Host+"/plain/ocisig", "--version", "1.0.0", "--verify", "--keyring", key.PublicRing, "-d", d)
	e.refused(t, "ocisig", "has no provenance layer", "show", "chart", "oci://"+e.r.Host+"/plain/ocisig", "--version", "1.0.0", "--verify", "--keyring", key.PublicRing)
	// dependency update/build --verify check each oci:// dependency's layer.
	parent := t.TempDir()
	depOn := func(repo string) {
		os.WriteFile(filepath.Join(parent, "Chart.yaml"), []byte("apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n  - name: ocisig\n    version: 1.0.0\n    repository: oci://"+e.r.Host+"/"+repo+"\n"), 0o644)
	}
	depOn("signed")
	e.berth(t, "dependency", "update", parent, "--verify", "--keyring", key.PublicRing)
	e.berth(t, "dependency", "build", parent, "--verify", "--keyring", key.PublicRing)
	e.refused(t, "ocisig", "signature made by unknown entity", "dependency", "build", parent, "--verify", "--keyring", other.PublicRing)
	depOn("plain")
	e.refused(t, "ocisig", "has no provenance layer", "dependency", "update", parent, "--verify", "--keyring", key.PublicRing)
	// --key and --keyring are two ways of --verify: not both.
	e.refused(t, "--key", "give one of them", "pull", ref, "--verify", "--keyring", key.PublicRing, "--key", "cosign.pub", "-d", d)
}

// TestInstallProvenance: install --verify --keyring of a signed classic
// chart records the signer in the release origin, which status shows;
// a chart that does not verify reaches nothing in the cluster.
func TestInstallProvenance(t *testing.T) {
	r := startProvRepo(t)
	cluster, err := testcluster.Start(t.Context(), testcluster.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Stop)
	const ns = "prov"
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := cluster.WriteKubeconfig(kubeconfig, ns); err != nil {
		t.Fatal(err)
	}
	t.Setenv("KUBECONFIG", kubeconfig)
	refusedProv(t, "sha256 sum does not match", "install", "web", "signed/tampered", "-n", ns, "--create-namespace", "--verify", "--keyring", r.key.PublicRing)
	refusedProv(t, "signature made by unknown entity", "install", "web", "signed/signme", "-n", ns, "--create-namespace", "--verify", "--keyring", r.other.PublicRing)
	if _, err := cluster.Clientset().CoreV1().Namespaces().Get(t.Context(), ns, metav1.GetOptions{}); err == nil {
		t.Fatal("a refused install created the namespace")
	}
	mustBerth(t, "install", "web", "signed/signme", "-n", ns, "--create-namespace", "--verify", "--keyring", r.key.PublicRing)
	wantVerified := "chart provenance (pgp, key " + r.key.Fingerprint + ", signed by " + r.key.Name + ")"
	var st struct {
		Origin *struct {
			Ref      string   `json:"ref"`
			Verified []string `json:"verified"`
		} `json:"origin"`
	}
	out := mustBerth(t, "status", "web", "-n", ns, "-o", "json")
	if json.Unmarshal([]byte(out), &st) != nil || st.Origin == nil || st.Origin.Ref != r.srv.URL+"/signme-2.0.0.tgz" ||
		!slices.Equal(st.Origin.Verified, []string{wantVerified}) {
		t.Fatalf("status -o json: %s", out)
	}
	if out := mustBerth(t, "status", "web", "-n", ns); !strings.Contains(out, "CHART SOURCE: "+r.srv.URL+"/signme-2.0.0.tgz\nVERIFIED: "+wantVerified+"\n") {
		t.Fatalf("status:\n%s", out)
	}
	// upgrade --verify to the helm-signed version: the origin follows.
	mustBerth(t, "upgrade", "web", "signed/signme", "--version", "1.0.0", "-n", ns, "--verify", "--keyring", r.key.PublicRing)
	if out := mustBerth(t, "status", "web", "-n", ns); !strings.Contains(out, "CHART SOURCE: "+r.srv.URL+"/signme-1.0.0.tgz\nVERIFIED: "+wantVerified+"\n") {
		t.Fatalf("status after upgrade:\n%s", out)
	}
	refusedProv(t, "sha256 sum does not match", "diff", "upgrade", "web", "signed/tampered", "-n", ns, "--verify", "--keyring", r.key.PublicRing)
	cm, err := cluster.Clientset().CoreV1().ConfigMaps(ns).Get(t.Context(), "web-cm", metav1.GetOptions{})
	if err != nil || cm.Data["salt"] != "a" {
		t.Fatalf("configmap after the verified upgrade: %v %v", err, cm)
	}

	// An oci:// chart with a provenance layer: pinned digest and signer.
	e := newSignEnv(t, false)
	signed := t.TempDir()
	mustBerth(t, "package", provChart(t, "ocisig", "1.0.0", "o"), "-d", signed, "--sign", "--key", "Chart Signer", "--keyring", r.key.SecretRing, "--passphrase-file", r.passFile(t))
	var pushed pushOutput
	if err := json.Unmarshal([]byte(e.berth(t, "push", filepath.Join(signed, "ocisig-1.0.0.tgz"), "oci://"+e.r.Host+"/signed", "-o", "json")), &pushed); err != nil {
		t.Fatal(err)
	}
	e.berth(t, "install", "ociweb", "oci://"+e.r.Host+"/signed/ocisig", "--version", "1.0.0", "-n", ns, "--verify", "--keyring", r.key.PublicRing)
	if out := mustBerth(t, "status", "ociweb", "-n", ns); !strings.Contains(out, "CHART SOURCE: oci://"+e.r.Host+"/signed/ocisig@"+pushed.Digest+"\nVERIFIED: "+wantVerified+"\n") {
		t.Fatalf("status of the oci:// release:\n%s", out)
	}
}
