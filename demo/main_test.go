package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
)

// TestDemoRunsEndToEnd runs the demo non-interactively and checks each
// step's result, not just that it returned.
func TestDemoRunsEndToEnd(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`registry at 127\.0\.0\.1:\d+`),
		regexp.MustCompile(`\d+ YAML documents rendered`),
		regexp.MustCompile(`Digest: sha256:[0-9a-f]{64}`),
		regexp.MustCompile(`demo\s+default\s+1\s+.*\bdeployed\b.*podinfo-`),
	} {
		if !want.Match(out.Bytes()) {
			t.Errorf("demo output lacks %s:\n%s", want, out.String())
		}
	}
}
