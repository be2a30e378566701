package oci

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	registrytest "github.com/berth-dev/berth/registry-test"
)

// dribble serves blobs from the real registry chunk bytes at a time, one
// chunk every gap, with an honest Content-Length.
func dribble(chunk int, gap time.Duration) func(http.ResponseWriter, *http.Request, http.Handler) bool {
	return func(w http.ResponseWriter, req *http.Request, next http.Handler) bool {
		if req.Method != http.MethodGet || !strings.Contains(req.URL.Path, "/blobs/") {
			return false
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, req)
		body := rec.Body.Bytes()
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.Code)
		for len(body) > 0 && req.Context().Err() == nil {
			n := min(chunk, len(body))
			_, _ = w.Write(body[:n])
			w.(http.Flusher).Flush()
			body = body[n:]
			select {
			case <-time.After(gap):
			case <-req.Context().Done():
			}
		}
		return true
	}
}

func TestIdleTimeout(t *testing.T) {
	r := registrytest.Start(t, registrytest.InMemory())
	tgz, meta := packageTestChart(t, "hello", "0.1.0")
	pushWithConfig(t, clientFor(t, r, "", ""), "oci://"+r.Host+"/h/hello:0.1.0", tgz, meta)
	// The guard only keeps a broken build from hanging the test run.
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	t.Run("one byte every 2s", func(t *testing.T) {
		front := newHostileFront(t, r, dribble(1, 2*time.Second))
		c := hostileClient(t, front.Host, Options{IdleTimeout: 200 * time.Millisecond, MaxRetries: -1})
		_, err := c.Pull(ctx, "oci://"+front.Host+"/h/hello:0.1.0", PullOptions{})
		if !errors.Is(err, ErrIdleTimeout) || !strings.Contains(err.Error(), "no data for 200ms") {
			t.Fatalf("error = %v, want the idle timeout", err)
		}
	})
	t.Run("no response headers", func(t *testing.T) {
		front := newHostileFront(t, r, func(w http.ResponseWriter, req *http.Request, _ http.Handler) bool {
			if !strings.Contains(req.URL.Path, "/manifests/") {
				return false
			}
			<-req.Context().Done()
			return true
		})
		c := hostileClient(t, front.Host, Options{IdleTimeout: 200 * time.Millisecond, MaxRetries: 1})
		_, err := c.Pull(ctx, "oci://"+front.Host+"/h/hello:0.1.0", PullOptions{})
		if !errors.Is(err, ErrIdleTimeout) {
			t.Fatalf("error = %v, want the idle timeout", err)
		}
	})
	t.Run("slow but steady is not idle", func(t *testing.T) {
		// ~40 chunks 25ms apart: the whole pull takes longer than the
		// idle timeout, each wait is far shorter.
		front := newHostileFront(t, r, dribble(16, 25*time.Millisecond))
		c := hostileClient(t, front.Host, Options{IdleTimeout: 500 * time.Millisecond, MaxRetries: -1})
		if _, err := c.Pull(ctx, "oci://"+front.Host+"/h/hello:0.1.0", PullOptions{}); err != nil {
			t.Fatal(err)
		}
	})
}

// A registry that pages tags forever, or sends millions of them, is cut off
// with a clear error instead of being followed until memory or patience ends.
func TestTagListBounds(t *testing.T) {
	r := registrytest.Start(t, registrytest.InMemory())
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second) // hang guard only
	defer cancel()
	for _, tc := range []struct {
		perPage int
		want    string
	}{
		{1, "more than 1000 pages of tags"},
		{5000, "more than 100000 tags"},
	} {
		t.Run(strconv.Itoa(tc.perPage), func(t *testing.T) {
			var page atomic.Int64
			front := newHostileFront(t, r, func(w http.ResponseWriter, req *http.Request, _ http.Handler) bool {
				if !strings.HasSuffix(req.URL.Path, "/tags/list") {
					return false
				}
				n := page.Add(1)
				tags := make([]string, tc.perPage)
				for i := range tags {
					tags[i] = fmt.Sprintf("\"1.%d.%d\"", n, i)
				}
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("Link", fmt.Sprintf(`<%s?last=p%d&n=%d>; rel="next"`, req.URL.Path, n, tc.perPage))
				fmt.Fprintf(w, `{"name":"h/hello","tags":[%s]}`, strings.Join(tags, ","))
				return true
			})
			c := hostileClient(t, front.Host, Options{})
			_, err := c.Versions(ctx, "oci://"+front.Host+"/h/hello")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("versions: error = %v, want %q", err, tc.want)
			}
			page.Store(0)
			_, err = c.Pull(ctx, "oci://"+front.Host+"/h/hello", PullOptions{Version: "^1.0.0"})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("pull: error = %v, want %q", err, tc.want)
			}
		})
	}
}
