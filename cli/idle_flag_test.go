package cli_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/berth-dev/berth/cli"
)

// A registry that accepts the connection and then sends nothing: with
// --registry-idle-timeout the pull fails with the idle-timeout error
// instead of hanging (the default, 60 s, is covered in oci/idle_test.go).
func TestPullRegistryIdleTimeoutFlag(t *testing.T) {
	stall := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stall:
		}
	}))
	t.Cleanup(func() { close(stall); srv.Close() })
	host := strings.TrimPrefix(srv.URL, "http://")
	var out, errOut bytes.Buffer
	// With the flag ignored (60 s per try) this context ends first and the
	// error reads "interrupted".
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := cli.Run(ctx, []string{"berth", "pull", "oci://" + host + "/charts/app", "--version", "1.0.0",
		"--plain-http", "--registry-idle-timeout", "200ms", "-d", t.TempDir()}, cli.Build{Version: "test"}, strings.NewReader(""), &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "registry sent no data within the idle timeout") {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
}
