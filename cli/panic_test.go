package cli

import (
	"bytes"
	"strings"
	"testing"
)

// TestPanicIsOneLineError: an internal error reads as berth's error form,
// with the Go stack trace only under --debug.
func TestPanicIsOneLineError(t *testing.T) {
	t.Setenv("BERTH_DEBUG", "")
	boom := func(args ...string) (int, string) {
		var stderr bytes.Buffer
		code := 0
		func() {
			defer recoverInternal(args, &stderr, &code)
			panic("boom")
		}()
		return code, stderr.String()
	}
	code, out := boom("berth", "list")
	if code != 1 || !strings.HasPrefix(out, "Error: internal error in berth: boom\n") || strings.Contains(out, "goroutine ") {
		t.Errorf("without --debug: exit %d\n%s", code, out)
	}
	code, out = boom("berth", "--debug", "list")
	if code != 1 || !strings.Contains(out, "goroutine ") || !strings.Contains(out, "panic_test.go") {
		t.Errorf("with --debug: exit %d, want the stack trace\n%s", code, out)
	}
}
