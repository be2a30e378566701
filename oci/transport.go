package oci

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"

	"oras.land/oras-go/v2/registry/remote/retry"
)

// newTransport builds the HTTP stack: TLS settings from opts, the scheme
// guard, retries of transient failures, and optional debug logging. Every
// request berth sends to a registry or token server goes through it: oras
// directly, go-containerregistry through Client.ImageOptions.
func newTransport(opts Options) (http.RoundTripper, error) {
	tlsConf, err := tlsConfig(opts)
	if err != nil {
		return nil, err
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	base.TLSClientConfig = tlsConf
	base.MaxIdleConnsPerHost = 16
	var rt http.RoundTripper = hintTransport{schemeGuard{next: base, plainHTTP: opts.PlainHTTP}}
	rt = withIdleTimeout(rt, opts.idleTimeout())
	if opts.Debugf != nil {
		rt = debugTransport{next: rt, logf: opts.Debugf}
	}
	if n := opts.retries(); n > 0 {
		r := retry.NewTransport(rt)
		policy := &retry.GenericPolicy{
			Retryable: retryable,
			Backoff:   retry.ExponentialBackoff(opts.minBackoff(), 2, 0.1),
			MinWait:   opts.minBackoff(),
			MaxWait:   10 * time.Second,
			MaxRetry:  n,
		}
		r.Policy = func() retry.Policy { return policy }
		rt = r
	}
	return rt, nil
}

func tlsConfig(opts Options) (*tls.Config, error) {
	if opts.PlainHTTP && (opts.CAFile != "" || opts.CertFile != "" || opts.InsecureSkipTLSVerify) {
		return nil, errors.New("--plain-http cannot be combined with --ca-file, --cert-file or --insecure-skip-tls-verify")
	}
	conf := &tls.Config{InsecureSkipVerify: opts.InsecureSkipTLSVerify} //nolint:gosec // explicit user choice
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", opts.CAFile)
		}
		conf.RootCAs = pool
	}
	if (opts.CertFile == "") != (opts.KeyFile == "") {
		return nil, errors.New("--cert-file and --key-file must be given together")
	}
	if opts.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(opts.CertFile, opts.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("load client certificate %s: %w", opts.CertFile, err)
		}
		conf.Certificates = []tls.Certificate{cert}
	}
	return conf, nil
}

// retryable retries what a healthy registry can recover from: 408, 429, 5xx,
// and connections that were reset or closed early. TLS and DNS failures and
// cancelled contexts are permanent, and so is a refused connection (nothing
// listens: a wrong port should fail at once, not after the backoff).
func retryable(resp *http.Response, err error) (bool, error) {
	if err != nil {
		return transientNetError(err), nil
	}
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests:
		return true, nil
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		return true, nil
	}
	return false, nil
}

func transientNetError(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.Is(err, net.ErrClosed):
		// A reset seen while the body is still being written surfaces as the
		// transport closing the connection under the writer.
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	return false
}

// debugTransport logs each exchange without headers, so no credential or
// token can leak into the log.
type debugTransport struct {
	next http.RoundTripper
	logf func(string, ...any)
}

func (d debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := d.next.RoundTrip(req)
	u := *req.URL
	u.User, u.RawQuery = nil, "" // token requests carry account names in the query
	if err != nil {
		d.logf("%s %s: %v (%s)", req.Method, u.String(), err, time.Since(start).Round(time.Millisecond))
		return nil, err
	}
	d.logf("%s %s: %s (%s)", req.Method, u.String(), resp.Status, time.Since(start).Round(time.Millisecond))
	return resp, nil
}

// hintTransport adds the fix to the one TLS error users meet most: an
// HTTPS request to a plain-HTTP registry. berth never retries over HTTP by
// itself.
type hintTransport struct{ next http.RoundTripper }

func (h hintTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := h.next.RoundTrip(req)
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) && string(rh.RecordHeader[:]) == "HTTP/" {
		return nil, fmt.Errorf("%w (the registry speaks plain HTTP; pass --plain-http to use it without TLS)", http.ErrSchemeMismatch)
	}
	return resp, err
}

// PlainHTTPError is a request refused because it would have gone over plain
// HTTP without Options.PlainHTTP.
type PlainHTTPError struct {
	Host string
}

func (e *PlainHTTPError) Error() string {
	return "refusing plain HTTP to " + e.Host + ": berth talks HTTP without TLS only with --plain-http"
}

// schemeGuard is the one place that decides whether a request may go over
// plain HTTP: only when the user asked for it. go-containerregistry picks
// http by itself for loopback, RFC 1918 and .local hosts (and falls back to
// it when HTTPS fails), and a token realm or redirect may name http; all of
// them stop here, before a byte leaves the machine.
type schemeGuard struct {
	next      http.RoundTripper
	plainHTTP bool
}

func (g schemeGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "https" && !g.plainHTTP {
		if req.Body != nil {
			req.Body.Close() // RoundTrippers close the body, even on error
		}
		return nil, &PlainHTTPError{Host: req.URL.Host}
	}
	return g.next.RoundTrip(req)
}
