package safefs

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileRefusesEscapes(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{root, outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../outside", filepath.Join(root, "rel")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"", ".", "..", "../x", "a/../../x", "/etc/x", "link/x", "rel/x", "rel/deeper/x"} {
		if p, err := WriteFile(root, name, []byte("pwned"), 0o644); !errors.Is(err, ErrOutsideRoot) {
			t.Errorf("WriteFile(%q) = %q, %v; want ErrOutsideRoot", name, p, err)
		}
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 0 {
		t.Errorf("files written outside the root: %v", entries)
	}
}

func TestWriteFileInsideRoot(t *testing.T) {
	base := t.TempDir()
	// The root itself may be reached through a link: that is where the user pointed.
	if err := os.Symlink(t.TempDir(), filepath.Join(base, "rootlink")); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(base, "rootlink")
	for _, name := range []string{"a.tgz", "sub/dir/b.tgz", "x/../c.tgz", ".hidden"} {
		p, err := WriteFile(root, name, []byte(name), 0o600)
		if err != nil {
			t.Fatalf("WriteFile(%q): %v", name, err)
		}
		b, err := os.ReadFile(p)
		if err != nil || string(b) != name {
			t.Fatalf("%s holds %q, %v", p, b, err)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v", p, fi.Mode())
		}
	}
	// A link at the final name is replaced, not followed.
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("safe"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(root, "final")); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteFile(root, "final", []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "safe" {
		t.Errorf("write through a final link changed %s to %q", victim, b)
	}
}

func TestWriteAtomicLeavesNothingOnFailure(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "out.tar")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteAtomic(target, 0o644, func(w io.Writer) error {
		if _, err := w.Write([]byte("partial")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WriteAtomic = %v, want boom", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "old" {
		t.Errorf("failed write changed the target to %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
	if err := WriteFileAtomic(target, []byte("new"), 0o640); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Errorf("target holds %q", b)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", fi.Mode())
	}
}

func TestMakeDirAtomic(t *testing.T) {
	parent := t.TempDir()
	failed := filepath.Join(parent, "failed")
	boom := errors.New("boom")
	err := MakeDirAtomic(failed, 0o755, func(dir string) error {
		if err := os.WriteFile(filepath.Join(dir, "a"), nil, 0o644); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("MakeDirAtomic = %v, want boom", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("a failed MakeDirAtomic left %v", entries)
	}
	made := filepath.Join(parent, "made")
	if err := MakeDirAtomic(made, 0o755, func(dir string) error {
		return os.WriteFile(filepath.Join(dir, "a"), []byte("x"), 0o644)
	}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(made, "a")); err != nil || string(b) != "x" {
		t.Errorf("made/a = %q, %v", b, err)
	}
	if fi, _ := os.Stat(made); fi.Mode().Perm() != 0o755 {
		t.Errorf("mode %v, want 0755", fi.Mode())
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("temporary directories left: %v", entries)
	}
}
