package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain lets the test binary play the detached `serve` process that `up`
// starts (up re-executes os.Executable()).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "serve" {
		if err := run(os.Args[1:]); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestUpDown(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	t.Cleanup(func() { _ = run([]string{"down", "--state", dir}) })
	if err := run([]string{"up", "--state", dir}); err != nil {
		t.Fatal(err)
	}
	addr, err := os.ReadFile(filepath.Join(dir, "addr"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get("http://" + strings.TrimSpace(string(addr)) + "/v2/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("registry does not answer: %v", err)
	}
	resp.Body.Close()
	if err := run([]string{"down", "--state", dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("state dir left behind: %v", err)
	}
	if _, err := http.Get("http://" + strings.TrimSpace(string(addr)) + "/v2/"); err == nil {
		t.Fatal("registry still answers after down")
	}
}
