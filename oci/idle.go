package oci

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// defaultIdleTimeout is how long berth waits for a registry that sends
// nothing, when Options.IdleTimeout is zero.
const defaultIdleTimeout = 60 * time.Second

// ErrIdleTimeout means a registry stopped sending (or accepting) data for
// longer than the idle timeout. It counts as a transient network error, so
// the transfer is retried within the retry budget.
var ErrIdleTimeout = idleError{}

type idleError struct{}

func (idleError) Error() string   { return "registry sent no data within the idle timeout" }
func (idleError) Timeout() bool   { return true } // a net.Error timeout: retried like one
func (idleError) Temporary() bool { return true }

func (o Options) idleTimeout() time.Duration {
	switch {
	case o.IdleTimeout < 0:
		return 0
	case o.IdleTimeout == 0:
		return defaultIdleTimeout
	}
	return o.IdleTimeout
}

// withIdleTimeout cancels an exchange that makes no progress for idle:
// until the response headers arrive, progress is the request body being
// taken; after, it is the response body being read. Time the caller spends
// between reads does not count. idle <= 0 returns next unchanged.
func withIdleTimeout(next http.RoundTripper, idle time.Duration) http.RoundTripper {
	if idle <= 0 {
		return next
	}
	return idleTransport{next: next, idle: idle}
}

type idleTransport struct {
	next http.RoundTripper
	idle time.Duration
}

func (t idleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	w := &idleWatch{cancel: cancel, idle: t.idle}
	w.timer = time.AfterFunc(t.idle, w.fire)
	req = req.WithContext(ctx)
	if req.Body != nil && req.Body != http.NoBody {
		req.Body = &idleRequestBody{ReadCloser: req.Body, w: w}
	}
	resp, err := t.next.RoundTrip(req)
	w.timer.Stop()
	if err != nil {
		cancel(nil)
		return nil, w.explain(req, err)
	}
	resp.Body = &idleResponseBody{body: resp.Body, w: w, req: req}
	return resp, nil
}

type idleWatch struct {
	timer  *time.Timer
	idle   time.Duration
	cancel context.CancelCauseFunc
	mu     sync.Mutex
	fired  bool
}

func (w *idleWatch) fire() {
	w.mu.Lock()
	w.fired = true
	w.mu.Unlock()
	w.cancel(ErrIdleTimeout)
}

func (w *idleWatch) timedOut() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fired
}

// explain replaces the transport's "context canceled" with what happened.
func (w *idleWatch) explain(req *http.Request, err error) error {
	if err == nil || !w.timedOut() {
		return err
	}
	u := *req.URL
	u.User, u.RawQuery = nil, ""
	return fmt.Errorf("%s %s: no data for %s: %w", req.Method, u.Redacted(), w.idle, ErrIdleTimeout)
}

// idleRequestBody pushes the deadline back each time the transport takes
// more of the request body: the registry is accepting data.
type idleRequestBody struct {
	io.ReadCloser
	w *idleWatch
}

func (b *idleRequestBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 {
		b.w.timer.Reset(b.w.idle)
	}
	return n, err
}

// idleResponseBody runs the timer only while a Read waits for the registry.
type idleResponseBody struct {
	body io.ReadCloser
	w    *idleWatch
	req  *http.Request
}

func (b *idleResponseBody) Read(p []byte) (int, error) {
	b.w.timer.Reset(b.w.idle)
	n, err := b.body.Read(p)
	b.w.timer.Stop()
	if err != nil && !errors.Is(err, io.EOF) {
		err = b.w.explain(b.req, err)
	}
	return n, err
}

func (b *idleResponseBody) Close() error {
	b.w.timer.Stop()
	err := b.body.Close()
	b.w.cancel(nil)
	return err
}
