package classic

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestServeTLSBasicAuth proves the helper's nginx: the CA it hands out is
// the one that verifies the server, anonymous requests get 401 and the
// credentials it hands out get the file.
func TestServeTLSBasicAuth(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "index.yaml"), []byte("apiVersion: v1\nentries: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := Start(t, dir, TLS(), BasicAuth())
	pem, err := os.ReadFile(s.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	get := func(user, pass string) (int, string) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/index.yaml", nil)
		if err != nil {
			t.Fatal(err)
		}
		if user != "" {
			req.SetBasicAuth(user, pass)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := get("", ""); code != http.StatusUnauthorized {
		t.Fatalf("anonymous: status %d, want 401", code)
	}
	if code, _ := get(s.Username, "wrong"); code != http.StatusUnauthorized {
		t.Fatalf("wrong password: status %d, want 401", code)
	}
	if code, body := get(s.Username, s.Password); code != http.StatusOK || body != "apiVersion: v1\nentries: {}\n" {
		t.Fatalf("with credentials: %d %q", code, body)
	}
	if _, err := http.Get(s.URL + "/index.yaml"); err == nil {
		t.Fatal("the system roots accepted the per-test CA's certificate")
	}
	if n := len(s.WaitRequests(3)); n < 3 {
		t.Fatalf("access log has %d lines, want at least 3", n)
	}
}
