// Package classic serves a classic Helm chart repository (index.yaml and
// .tgz files) with nginx, the Debian package, for tests: on a free loopback
// port, with its own prefix and configuration in t.TempDir(), optionally
// with TLS (a per-test CA) and basic auth (an htpasswd file), stopped by
// t.Cleanup.
//
//	dir := classic.PackageCharts(t, helm, "podinfo", "nginx") // helm package + helm repo index
//	s := classic.Start(t, dir, classic.TLS(), classic.BasicAuth())
//	// s.URL, s.CAFile, s.Username, s.Password, s.Requests()
package classic

import (
	"bytes"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // nginx's {SHA} htpasswd scheme
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// Server is a running nginx serving a chart repository.
type Server struct {
	URL      string // http://127.0.0.1:port or https://127.0.0.1:port (no trailing slash)
	Dir      string // the served directory
	CAFile   string // TLS only: the CA that signed the server certificate
	Username string // BasicAuth only
	Password string
	logFile  string
}

type options struct {
	tls, auth bool
	extra     string
}

// Option changes how Start serves.
type Option func(*options)

// TLS serves HTTPS with a certificate for 127.0.0.1 and localhost signed by
// a CA made for this test (Server.CAFile).
func TLS() Option { return func(o *options) { o.tls = true } }

// BasicAuth requires a random username and password (Server.Username,
// Server.Password) for every request.
func BasicAuth() Option { return func(o *options) { o.auth = true } }

// ServerConfig adds nginx directives to the server block, e.g.
// `location = /index.yaml { return 302 http://elsewhere/index.yaml; }`.
func ServerConfig(directives string) Option { return func(o *options) { o.extra += directives + "\n" } }

// Binary returns the nginx executable: $PATH, then /usr/sbin/nginx.
func Binary() (string, error) {
	if p, err := exec.LookPath("nginx"); err == nil {
		return p, nil
	}
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx", nil
	}
	return "", errors.New("nginx not found: install the Debian package (apt-get install -y nginx); .ci/run does")
}

// Start serves dir until the test ends.
func Start(t testing.TB, dir string, opts ...Option) *Server {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	bin, err := Binary()
	if err != nil {
		t.Fatal(err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	prefix := t.TempDir()
	s := &Server{Dir: abs, logFile: filepath.Join(prefix, "access.log")}
	var tlsConf string
	if o.tls {
		sc := registrytest.NewServerCert(t)
		s.CAFile = sc.CAFile
		tlsConf = fmt.Sprintf("ssl_certificate %s;\n    ssl_certificate_key %s;\n", sc.CertFile, sc.KeyFile)
	}
	var authConf string
	if o.auth {
		s.Username, s.Password = "user-"+randomHex(t, 4), randomHex(t, 12)
		sum := sha1.Sum([]byte(s.Password)) //nolint:gosec // test fixture
		htpasswd := filepath.Join(prefix, "htpasswd")
		line := s.Username + ":{SHA}" + base64.StdEncoding.EncodeToString(sum[:]) + "\n"
		if err := os.WriteFile(htpasswd, []byte(line), 0o600); err != nil {
			t.Fatal(err)
		}
		authConf = fmt.Sprintf("auth_basic \"charts\";\n    auth_basic_user_file %s;\n", htpasswd)
	}
	for attempt := 0; ; attempt++ {
		port := freePort(t)
		err := s.run(t, bin, prefix, port, o.tls, tlsConf, authConf+o.extra)
		if err == nil {
			return s
		}
		if attempt == 4 || !strings.Contains(err.Error(), "in use") {
			t.Fatalf("classic: starting nginx: %v", err)
		}
	}
}

const confTemplate = `daemon off;
master_process off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 256; }
http {
  access_log %[1]s/access.log;
  client_body_temp_path %[1]s/body;
  proxy_temp_path %[1]s/proxy;
  fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi;
  scgi_temp_path %[1]s/scgi;
  types { text/yaml yaml; application/gzip tgz; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:%[2]d%[3]s;
    %[4]s
    %[5]s
    root %[6]s;
    location / { try_files $uri =404; }
  }
}
`

func (s *Server) run(t testing.TB, bin, prefix string, port int, tls bool, tlsConf, authConf string) error {
	ssl, scheme := "", "http"
	if tls {
		ssl, scheme = " ssl", "https"
	}
	conf := filepath.Join(prefix, "nginx.conf")
	body := fmt.Sprintf(confTemplate, prefix, port, ssl, tlsConf, authConf, s.Dir)
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		return err
	}
	cmd := exec.Command(bin, "-p", prefix, "-c", conf, "-e", filepath.Join(prefix, "startup.log"))
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case err := <-exited:
			logs, _ := os.ReadFile(filepath.Join(prefix, "error.log"))
			startup, _ := os.ReadFile(filepath.Join(prefix, "startup.log"))
			return fmt.Errorf("nginx exited (%v): %s%s%s", err, stderr.String(), startup, logs)
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			return fmt.Errorf("nginx did not listen on %s within 30s: %s", addr, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	s.URL = scheme + "://" + addr
	return nil
}

// Requests returns nginx's access log lines so far (method, path, status).
func (s *Server) Requests() []string {
	b, _ := os.ReadFile(s.logFile)
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// WaitRequests returns the access log once it has at least n lines: nginx
// writes a line after the response is sent, so a client that has read a
// body may look before the line is there. It gives up after 10 seconds and
// returns what there is.
func (s *Server) WaitRequests(n int) []string {
	deadline := time.Now().Add(10 * time.Second)
	for {
		lines := s.Requests()
		if len(lines) >= n || time.Now().After(deadline) {
			return lines
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
