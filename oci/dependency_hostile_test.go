package oci

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A dependency name or alias is joined into a path under charts/; one that
// climbs out must be refused before anything is written, by update and build.
func TestDependencyHostileNamesWriteNothingOutside(t *testing.T) {
	for _, tc := range []struct{ name, alias string }{
		{name: "../../victimdir/pwned"},
		{name: "../pwned"},
		{name: ".."},
		{name: "sub/../../../victimdir/x"},
		{name: `..\..\victimdir\pwned`},
		{name: "sub", alias: "../../victimdir/pwned"},
	} {
		t.Run(tc.name+tc.alias, func(t *testing.T) {
			base := t.TempDir()
			victim := filepath.Join(base, "victimdir")
			if err := os.MkdirAll(victim, 0o755); err != nil {
				t.Fatal(err)
			}
			writeChart(t, filepath.Join(base, "sub"), "apiVersion: v2\nname: sub\nversion: 1.0.0\n")
			dep := "- name: " + quoteYAML(tc.name) + "\n  version: 1.0.0\n  repository: file://../sub\n"
			if tc.alias != "" {
				dep += "  alias: " + quoteYAML(tc.alias) + "\n"
			}
			parent := writeChart(t, filepath.Join(base, "parent"), "apiVersion: v2\nname: parent\nversion: 0.1.0\ndependencies:\n"+dep)
			c := &Client{cache: NewCache(t.TempDir())}
			_, err := c.DependencyUpdate(t.Context(), parent, DependencyOptions{})
			if err == nil {
				t.Fatal("dependency update accepted a dependency name that leaves charts/")
			}
			if !strings.Contains(err.Error(), "name") && !strings.Contains(err.Error(), "alias") {
				t.Errorf("error does not say the name is the problem: %v", err)
			}
			if entries, _ := os.ReadDir(victim); len(entries) != 0 {
				t.Errorf("wrote outside the chart: %v", entries)
			}
			if entries, _ := os.ReadDir(base); len(entries) != 3 {
				t.Errorf("base folder now holds %d entries, want 3 (parent, sub, victimdir)", len(entries))
			}

			// build reads the names from Chart.lock, which is input too.
			lock := "dependencies:\n- name: " + quoteYAML(tc.name) + "\n  version: 1.0.0\n  repository: file://../sub\n" +
				"digest: sha256:0000000000000000000000000000000000000000000000000000000000000000\ngenerated: \"2024-01-01T00:00:00Z\"\n"
			if err := os.WriteFile(filepath.Join(parent, "Chart.lock"), []byte(lock), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, err := c.DependencyBuild(t.Context(), parent); err == nil {
				t.Fatal("dependency build accepted a Chart.lock name that leaves charts/")
			}
			if entries, _ := os.ReadDir(victim); len(entries) != 0 {
				t.Errorf("build wrote outside the chart: %v", entries)
			}
		})
	}
}

func quoteYAML(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
