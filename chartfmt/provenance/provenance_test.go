package provenance_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/berth-dev/berth/chartfmt"
	"github.com/berth-dev/berth/chartfmt/provenance"
	"github.com/berth-dev/berth/chartfmt/provenance/pgptest"
	"github.com/berth-dev/berth/tools"
)

// testChart writes a small chart directory and returns it.
func testChart(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "signme")
	if err := os.MkdirAll(filepath.Join(dir, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"Chart.yaml": "apiVersion: v2\nname: signme\nversion: 1.2.3\nappVersion: \"4.5\"\ndescription: a chart to sign\nkeywords: [a, b]\n" +
			"maintainers:\n  - name: Jane\n    email: jane@example.com\n    url: https://example.com/jane\nhome: https://example.com\nsources: [https://example.com/src]\n" +
			"icon: https://example.com/icon.png\nkubeVersion: \">=1.25.0-0\"\ntype: application\ndeprecated: false\n" +
			"annotations:\n  category: Test\n  z.example.com/last: \"yes\"\n",
		"values.yaml":              "x: 1\n",
		"templates/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  x: {{ .Values.x | quote }}\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func packageChart(t *testing.T, dir string) []byte {
	t.Helper()
	ch, err := chartfmt.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	tgz, err := chartfmt.Package(ch, chartfmt.PackageOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tgz
}

func loadRing(t *testing.T, path string) *provenance.Keyring {
	t.Helper()
	ring, err := provenance.LoadKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	return ring
}

func TestSignVerifyRoundTrip(t *testing.T) {
	key := pgptest.NewKey(t, "Chart Signer", "signer@example.com", "")
	other := pgptest.NewKey(t, "Someone Else", "else@example.com", "")
	tgz := packageChart(t, testChart(t))
	sk, err := loadRing(t, key.SecretRing).SigningKey("Chart Signer")
	if err != nil {
		t.Fatal(err)
	}
	prov, err := provenance.Sign(sk, tgz, "signme-1.2.3.tgz")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(prov, []byte("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nannotations:\n")) ||
		!bytes.Contains(prov, []byte("\n\n...\nfiles:\n  signme-1.2.3.tgz: "+provenance.Digest(tgz)+"\n\n-----BEGIN PGP SIGNATURE-----\n")) ||
		!bytes.HasSuffix(prov, []byte("-----END PGP SIGNATURE-----")) {
		t.Fatalf("layout:\n%s", prov)
	}
	f, err := provenance.Parse(prov)
	if err != nil || f.Metadata.Name != "signme" || f.Metadata.Version != "1.2.3" || len(f.Sums.Files) != 1 {
		t.Fatalf("parse: %v %+v", err, f)
	}
	// Any key of the ring verifies; the public ring alone is enough.
	v, err := provenance.Verify(loadRing(t, pgptest.Ring(t, other, key)), tgz, "signme-1.2.3.tgz", prov)
	if err != nil {
		t.Fatal(err)
	}
	if v.Signer.Fingerprint != key.Fingerprint || len(v.Signer.Identities) != 1 || v.Signer.Identities[0] != key.Name || v.FileHash != provenance.Digest(tgz) {
		t.Fatalf("verification %+v, want %s %s", v, key.Name, key.Fingerprint)
	}

	cases := []struct {
		name, file, want string
		ring             string
		archive, prov    []byte
	}{
		{"wrong key", "signme-1.2.3.tgz", "signature made by unknown entity", other.PublicRing, tgz, prov},
		{"renamed", "renamed.tgz", `provenance does not contain a SHA for a file named "renamed.tgz"`, key.PublicRing, tgz, prov},
		{"tampered archive", "signme-1.2.3.tgz", "sha256 sum does not match for signme-1.2.3.tgz", key.PublicRing, append(bytes.Clone(tgz), 0), prov},
		{"tampered message", "signme-1.2.3.tgz", "invalid signature", key.PublicRing, tgz, bytes.Replace(prov, []byte("version: 1.2.3"), []byte("version: 1.2.4"), 1)},
		{"not clearsigned", "signme-1.2.3.tgz", "signature block not found", key.PublicRing, tgz, []byte("files: {}\n")},
	}
	for _, c := range cases {
		_, err := provenance.Verify(loadRing(t, c.ring), c.archive, c.file, c.prov)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}

func TestSigningKeySelection(t *testing.T) {
	a := pgptest.NewKey(t, "Alice Example", "alice@example.com", "")
	b := pgptest.NewKey(t, "Bob Example", "bob@example.com", "pass phrase")
	secret := filepath.Join(t.TempDir(), "secring.gpg")
	sa, _ := os.ReadFile(a.SecretRing)
	sb, _ := os.ReadFile(b.SecretRing)
	os.WriteFile(secret, append(sa, sb...), 0o600)
	ring := loadRing(t, secret)
	if k, err := ring.SigningKey("Alice"); err != nil || k.Signer().Fingerprint != a.Fingerprint || k.Encrypted() {
		t.Fatalf("Alice: %v", err)
	}
	if _, err := ring.SigningKey("Example"); err == nil || err.Error() != `more than one key contain the id "Example"` {
		t.Fatalf("vague name: %v", err)
	}
	if _, err := ring.SigningKey("Carol"); err == nil || err.Error() != "private key not found" {
		t.Fatalf("unknown name: %v", err)
	}
	if _, err := loadRing(t, a.PublicRing).SigningKey("Alice"); err == nil || !strings.Contains(err.Error(), "not a private key") {
		t.Fatalf("public ring: %v", err)
	}
	k, err := ring.SigningKey(b.Name)
	if err != nil || !k.Encrypted() {
		t.Fatalf("Bob: %v", err)
	}
	if err := k.Decrypt([]byte("wrong")); err == nil {
		t.Fatal("a wrong passphrase decrypted the key")
	}
	if err := k.Decrypt([]byte("pass phrase")); err != nil {
		t.Fatal(err)
	}
	tgz := packageChart(t, testChart(t))
	prov, err := provenance.Sign(k, tgz, "signme-1.2.3.tgz")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provenance.Verify(loadRing(t, b.PublicRing), tgz, "signme-1.2.3.tgz", prov); err != nil {
		t.Fatal(err)
	}
	if _, err := provenance.LoadKeyring(filepath.Join(t.TempDir(), "none.gpg")); err == nil || !strings.HasPrefix(err.Error(), "failed to load keyring: open ") {
		t.Fatalf("missing keyring: %v", err)
	}
}

// TestHelmInterop: helm verify accepts what berth signs, berth accepts
// what helm package --sign writes, and berth's message is helm's byte
// for byte (the signature itself differs: it is salted and timestamped).
func TestHelmInterop(t *testing.T) {
	helm := tools.NewHelm(t)
	key := pgptest.NewKey(t, "Chart Signer", "signer@example.com", "s3cret")
	dir := testChart(t)
	pass := filepath.Join(t.TempDir(), "pass")
	os.WriteFile(pass, []byte("s3cret\n"), 0o600)
	hdir := t.TempDir()
	helm.MustRun(t, "package", dir, "-d", hdir, "--sign", "--key", "Chart Signer", "--keyring", key.SecretRing, "--passphrase-file", pass)
	htgz, err := os.ReadFile(filepath.Join(hdir, "signme-1.2.3.tgz"))
	if err != nil {
		t.Fatal(err)
	}
	hprov, err := os.ReadFile(filepath.Join(hdir, "signme-1.2.3.tgz.prov"))
	if err != nil {
		t.Fatal(err)
	}
	ring := loadRing(t, key.PublicRing)
	v, err := provenance.Verify(ring, htgz, "signme-1.2.3.tgz", hprov)
	if err != nil {
		t.Fatalf("berth refuses helm's provenance: %v\n%s", err, hprov)
	}
	if v.Signer.Fingerprint != key.Fingerprint {
		t.Fatalf("signer %+v", v.Signer)
	}

	// berth signs helm's archive: the same message, and helm verify agrees.
	sk, err := loadRing(t, key.SecretRing).SigningKey("Chart Signer")
	if err != nil {
		t.Fatal(err)
	}
	if err := sk.Decrypt([]byte("s3cret")); err != nil {
		t.Fatal(err)
	}
	bprov, err := provenance.Sign(sk, htgz, "signme-1.2.3.tgz")
	if err != nil {
		t.Fatal(err)
	}
	sigAt := func(b []byte) int { return bytes.Index(b, []byte("-----BEGIN PGP SIGNATURE-----")) }
	if hm, bm := hprov[:sigAt(hprov)], bprov[:sigAt(bprov)]; !bytes.Equal(hm, bm) {
		t.Fatalf("clearsigned text differs\nhelm:\n%s\nberth:\n%s", hm, bm)
	}
	if !bytes.HasSuffix(hprov, []byte("-----END PGP SIGNATURE-----")) || !bytes.HasSuffix(bprov, []byte("-----END PGP SIGNATURE-----")) {
		t.Fatalf("endings differ:\n%q\n%q", hprov[len(hprov)-40:], bprov[len(bprov)-40:])
	}
	bdir := t.TempDir()
	os.WriteFile(filepath.Join(bdir, "signme-1.2.3.tgz"), htgz, 0o644)
	os.WriteFile(filepath.Join(bdir, "signme-1.2.3.tgz.prov"), bprov, 0o644)
	out := helm.MustRun(t, "verify", filepath.Join(bdir, "signme-1.2.3.tgz"), "--keyring", key.PublicRing)
	if !strings.Contains(out, "Signed by: "+key.Name) || !strings.Contains(out, key.Fingerprint) {
		t.Fatalf("helm verify: %s", out)
	}
	// helm refuses berth's provenance for a tampered archive, as berth does.
	os.WriteFile(filepath.Join(bdir, "signme-1.2.3.tgz"), append(htgz, 0), 0o644)
	_, err = helm.Run(nil, "verify", filepath.Join(bdir, "signme-1.2.3.tgz"), "--keyring", key.PublicRing)
	var he *tools.HelmError
	if !errors.As(err, &he) || !strings.Contains(he.Stderr, "sha256 sum does not match") {
		t.Fatalf("helm verify of a tampered archive: %v", err)
	}
	if _, berr := provenance.Verify(ring, append(htgz, 0), "signme-1.2.3.tgz", bprov); berr == nil || !strings.Contains(he.Stderr, berr.Error()) {
		t.Fatalf("berth's error %v is not helm's %q", berr, he.Stderr)
	}
}

// TestHelmMessageV1Chart: for an apiVersion v1 chart, whose dependencies
// live in requirements.yaml, the signed metadata is still helm's byte for
// byte (helm's loader moves them into the metadata).
func TestHelmMessageV1Chart(t *testing.T) {
	helm := tools.NewHelm(t)
	key := pgptest.NewKey(t, "Chart Signer", "signer@example.com", "")
	dir := filepath.Join(t.TempDir(), "old")
	files := map[string]string{
		"Chart.yaml":             "apiVersion: v1\nname: old\nversion: 0.9.0\ndescription: a v1 chart\n",
		"requirements.yaml":      "dependencies:\n  - name: sub\n    version: 0.1.0\n    repository: file://charts/sub\n    condition: sub.enabled\n",
		"values.yaml":            "sub:\n  enabled: true\n",
		"templates/cm.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
		"charts/sub/Chart.yaml":  "apiVersion: v1\nname: sub\nversion: 0.1.0\n",
		"charts/sub/values.yaml": "a: 1\n",
	}
	for name, body := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hdir := t.TempDir()
	helm.MustRun(t, "package", dir, "-d", hdir, "--sign", "--key", "Chart Signer", "--keyring", key.SecretRing)
	htgz, _ := os.ReadFile(filepath.Join(hdir, "old-0.9.0.tgz"))
	hprov, err := os.ReadFile(filepath.Join(hdir, "old-0.9.0.tgz.prov"))
	if err != nil {
		t.Fatal(err)
	}
	sk, err := loadRing(t, key.SecretRing).SigningKey("Chart Signer")
	if err != nil {
		t.Fatal(err)
	}
	bprov, err := provenance.Sign(sk, htgz, "old-0.9.0.tgz")
	if err != nil {
		t.Fatal(err)
	}
	sigAt := func(b []byte) int { return bytes.Index(b, []byte("-----BEGIN PGP SIGNATURE-----")) }
	if hm, bm := hprov[:sigAt(hprov)], bprov[:sigAt(bprov)]; !bytes.Equal(hm, bm) {
		t.Fatalf("clearsigned text differs\nhelm:\n%s\nberth:\n%s", hm, bm)
	}
}
