package image

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// cancelOnPatch cancels the push the moment its first blob upload starts
// sending data (as Ctrl-C would), and remembers that session's URL.
type cancelOnPatch struct {
	base    http.RoundTripper
	cancel  context.CancelFunc
	mu      sync.Mutex
	session string
}

func (c *cancelOnPatch) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPatch && strings.Contains(req.URL.Path, "/blobs/uploads/") {
		c.mu.Lock()
		if c.session == "" {
			c.session = req.URL.String()
		}
		c.mu.Unlock()
		c.cancel()
	}
	return c.base.RoundTrip(req)
}

// A push cancelled mid-upload ends its upload session: the registry keeps no
// abandoned upload.
func TestCancelledPushEndsUploadSession(t *testing.T) {
	r := registrytest.Start(t)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	rec := &cancelOnPatch{base: r.HTTPClient().Transport, cancel: cancel}
	o := testOptions(r, nil, nil)
	o.Transport, o.Jobs = rec, 1
	p, err := NewPusher(o)
	if err != nil {
		t.Fatal(err)
	}
	_, err = p.Push(ctx, randomImage(t, 1<<20, 1), r.Ref("apps/cancelled"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("push error %v, want context.Canceled", err)
	}
	rec.mu.Lock()
	session := rec.session
	rec.mu.Unlock()
	if session == "" {
		t.Fatal("no upload session was opened")
	}
	resp, err := r.HTTPClient().Get(session)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("upload session %s answers %s after the cancelled push, want 404 (ended)", session, resp.Status)
	}
}
