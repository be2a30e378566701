package registrytest

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// FaultKind is one way the proxy breaks a response.
type FaultKind int

const (
	// Status500 answers 500 Internal Server Error without asking the registry.
	Status500 FaultKind = iota
	// TooManyRequests answers 429 with a Retry-After header.
	TooManyRequests
	// ResetConnection closes the TCP connection (with RST) before answering.
	ResetConnection
	// TruncateBody forwards the headers and half of the body, then drops the connection.
	TruncateBody
	// CorruptBody alters one byte in the middle of the body, keeping its length.
	CorruptBody
	// Stall answers nothing and holds the request until the client gives
	// up (a registry that hangs mid-upload: what Ctrl-C is for).
	Stall
)

// Fault breaks the next Times requests that Match (every request if Match is
// nil; every matching request forever if Times is 0).
type Fault struct {
	Kind  FaultKind
	Match func(*http.Request) bool
	Times int
	// RetryAfter is sent with TooManyRequests (default 1s).
	RetryAfter time.Duration

	hits atomic.Int64
}

// Matchers for Fault.Match.
var (
	BlobGET     = func(r *http.Request) bool { return r.Method == http.MethodGet && isBlobPath(r.URL.Path) }
	ManifestGET = func(r *http.Request) bool {
		return r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/manifests/")
	}
	BlobUpload  = func(r *http.Request) bool { return strings.Contains(r.URL.Path, "/blobs/uploads/") }
	ManifestPUT = func(r *http.Request) bool {
		return r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/manifests/")
	}
)

func isBlobPath(p string) bool {
	return strings.Contains(p, "/blobs/sha256:") || strings.Contains(p, "/blobs/sha512:")
}

// Proxy is a reverse proxy in front of a Registry that injects faults and
// counts traffic. Its Registry field describes the proxy as a registry (same
// credentials and CA as the target, another host).
type Proxy struct {
	Registry *Registry

	mu       sync.Mutex
	faults   []*Fault
	requests []string
	upload   atomic.Int64
	blobGets atomic.Int64
}

// NewProxy starts a proxy in front of target, stopped by t.Cleanup.
func NewProxy(t testing.TB, target *Registry) *Proxy {
	t.Helper()
	u, err := url.Parse(target.URL)
	if err != nil {
		t.Fatalf("registrytest: proxy target: %v", err)
	}
	tr := target.HTTPClient().Transport
	p := &Proxy{}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			// Keep the proxy's host so upload Locations point back through it.
			pr.Out.Host = pr.In.Host
		},
		Transport:      tr,
		ModifyResponse: p.modifyResponse,
		ErrorLog:       discardLogger(),
	}
	view := *target
	p.Registry = &view
	srv := p.Registry.serve(p.handler(rp))
	t.Cleanup(srv.Close)
	p.Registry.URL = srv.URL
	p.Registry.Host = srv.Listener.Addr().String()
	return p
}

// Inject adds a fault; it applies to requests from now on.
func (p *Proxy) Inject(f *Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = append(p.faults, f)
}

// Clear removes every fault.
func (p *Proxy) Clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults = nil
}

// Hits returns how many requests f has broken.
func (f *Fault) Hits() int { return int(f.hits.Load()) }

// Requests returns "METHOD path" for every request seen, in order.
func (p *Proxy) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// BlobGETs counts GET requests for blobs.
func (p *Proxy) BlobGETs() int { return int(p.blobGets.Load()) }

// BlobUploadBytes counts request body bytes sent to blob upload endpoints.
func (p *Proxy) BlobUploadBytes() int64 { return p.upload.Load() }

// Reset clears the request log and counters (faults stay).
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = nil
	p.upload.Store(0)
	p.blobGets.Store(0)
}

func (p *Proxy) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.requests = append(p.requests, r.Method+" "+r.URL.Path)
		p.mu.Unlock()
		if BlobGET(r) {
			p.blobGets.Add(1)
		}
		if BlobUpload(r) && r.Body != nil {
			r.Body = &countingBody{ReadCloser: r.Body, n: &p.upload}
		}
		f := p.take(r)
		if f == nil {
			next.ServeHTTP(w, r)
			return
		}
		switch f.Kind {
		case Status500:
			writeAuthError(w, http.StatusInternalServerError, "UNKNOWN", "injected fault: internal server error")
		case TooManyRequests:
			ra := f.RetryAfter
			if ra == 0 {
				ra = time.Second
			}
			w.Header().Set("Retry-After", strconv.Itoa(int(ra.Seconds())))
			writeAuthError(w, http.StatusTooManyRequests, "TOOMANYREQUESTS", "injected fault: too many requests")
		case ResetConnection:
			resetConnection(w)
		case Stall:
			// The server notices a client that went away only once the
			// body is read: take it all, then answer nothing.
			_, _ = io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
		default: // body faults act on the registry's response
			next.ServeHTTP(w, r.WithContext(withFault(r.Context(), f.Kind)))
		}
	})
}

// take returns the first fault that applies to r and counts the hit.
func (p *Proxy) take(r *http.Request) *Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, f := range p.faults {
		if f.Match != nil && !f.Match(r) {
			continue
		}
		if f.Times > 0 && int(f.hits.Load()) >= f.Times {
			continue
		}
		f.hits.Add(1)
		return f
	}
	return nil
}

func (p *Proxy) modifyResponse(resp *http.Response) error {
	kind, ok := faultFrom(resp.Request.Context())
	if !ok || resp.StatusCode >= 300 {
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	switch kind {
	case TruncateBody:
		// The declared length stays; the short body makes the proxy abort the connection.
		resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(body[:len(body)/2]), errReader{}))
	case CorruptBody:
		if len(body) > 0 {
			body[len(body)/2] ^= 0x01
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return nil
}

func resetConnection(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (c *countingBody) Read(b []byte) (int, error) {
	n, err := c.ReadCloser.Read(b)
	c.n.Add(int64(n))
	return n, err
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, fmt.Errorf("injected fault: truncated body") }
