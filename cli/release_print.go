package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/berth-dev/berth/deployer"
)

// helmTime is how helm list and history print times.
const helmTime = "2006-01-02 15:04:05.999999999 -0700 MST"

// releaseStatus is the -o json|yaml shape of install, upgrade, rollback and
// status: the release exactly as Helm prints it (its stored schema, so
// `jq .info.status` works in both tools), plus what berth changed.
type releaseStatus struct {
	*deployer.Release
	Changes []deployer.Change `json:"changes,omitempty"`
	// Origin is berth's own: the pinned chart and what was verified.
	Origin *deployer.Origin `json:"origin,omitempty"`
}

func statusOf(r *deployer.Release, cs *deployer.ChangeSet) releaseStatus {
	// Helm leaves the stored chart out of status output.
	rel := *r
	rel.Chart = nil
	s := releaseStatus{Release: &rel, Origin: r.Origin}
	if cs != nil {
		s.Changes = cs.Entries
	}
	return s
}

// printReleaseInfo prints a release the way helm install/status do, or as
// JSON/YAML with -o.
func printReleaseInfo(w io.Writer, format string, r *deployer.Release, cs *deployer.ChangeSet) error {
	if done, err := printStructured(w, format, statusOf(r, cs)); done {
		return err
	}
	return writeRelease(w, r, cs, false, false, nil)
}

// writeRelease prints helm's status text; details adds what helm get all
// prints: chart metadata, user-supplied and computed values, hooks and
// manifest, all before the notes.
// showDesc (status --show-desc) always prints the description; resources
// (status --show-resources) come after it.
func writeRelease(w io.Writer, r *deployer.Release, cs *deployer.ChangeSet, details, showDesc bool, resources []deployer.ResourceGroup) error {
	fmt.Fprintf(w, "NAME: %s\n", r.Name)
	if r.Info != nil && !r.Info.LastDeployed.IsZero() {
		fmt.Fprintf(w, "LAST DEPLOYED: %s\n", r.Info.LastDeployed.Format(time.ANSIC))
	}
	fmt.Fprintf(w, "NAMESPACE: %s\n", r.Namespace)
	if r.Info != nil {
		fmt.Fprintf(w, "STATUS: %s\n", r.Info.Status)
	}
	fmt.Fprintf(w, "REVISION: %d\n", r.Version)
	if o := r.Origin; o != nil { // berth's own lines; releases helm wrote have none
		fmt.Fprintf(w, "CHART SOURCE: %s\n", o.Ref)
		if len(o.Verified) > 0 {
			fmt.Fprintf(w, "VERIFIED: %s\n", strings.Join(o.Verified, "; "))
		}
	}
	if details && r.Chart != nil && r.Chart.Metadata != nil {
		fmt.Fprintf(w, "CHART: %s\nVERSION: %s\nAPP_VERSION: %s\n", r.Chart.Metadata.Name, r.Chart.Metadata.Version, r.Chart.Metadata.AppVersion)
	}
	if r.Info != nil && (showDesc || r.Info.Description != "" && r.Info.Status != deployer.StatusDeployed) {
		fmt.Fprintf(w, "DESCRIPTION: %s\n", r.Info.Description)
	}
	if cs != nil && len(cs.Entries) > 0 {
		fmt.Fprintf(w, "CHANGES: %s\n", changeSummary(cs))
	}
	writeResources(w, resources)
	printTestSuites(w, r)
	if details {
		if err := writeYAML(w, "USER-SUPPLIED VALUES:", releaseValues(r, false)); err != nil {
			return err
		}
		if err := writeYAML(w, "\nCOMPUTED VALUES:", releaseValues(r, true)); err != nil {
			return err
		}
		fmt.Fprintln(w, "\nHOOKS:")
		if err := writeHooks(w, r); err != nil {
			return err
		}
		fmt.Fprintf(w, "MANIFEST:\n%s\n", r.Manifest)
	} else if r.Info != nil && strings.EqualFold(r.Info.Description, "Dry run complete") {
		// A dry run shows what it would apply, as helm's does.
		fmt.Fprintln(w, "HOOKS:")
		if err := writeHooks(w, r); err != nil {
			return err
		}
		fmt.Fprintf(w, "MANIFEST:\n%s\n", r.Manifest)
	}
	if r.Info != nil && strings.TrimSpace(r.Info.Notes) != "" {
		fmt.Fprintf(w, "NOTES:\n%s\n", strings.TrimSpace(r.Info.Notes))
	}
	return nil
}

// printTestSuites shows the last run of each test hook, or that the chart
// has none, as helm status does.
func printTestSuites(w io.Writer, r *deployer.Release) {
	tests := false
	for _, h := range r.Hooks {
		if !slices.Contains(h.Events, deployer.TestEvent) {
			continue
		}
		tests = true
		if h.LastRun.StartedAt.IsZero() {
			continue
		}
		fmt.Fprintf(w, "TEST SUITE:     %s\nLast Started:   %s\nLast Completed: %s\nPhase:          %s\n",
			h.Name, h.LastRun.StartedAt.Format(time.ANSIC), h.LastRun.CompletedAt.Format(time.ANSIC), h.LastRun.Phase)
	}
	if !tests {
		fmt.Fprintln(w, "TEST SUITE: None")
	}
}

func changeSummary(cs *deployer.ChangeSet) string {
	var parts []string
	for _, a := range []deployer.Action{deployer.ActionCreated, deployer.ActionConfigured, deployer.ActionReplaced, deployer.ActionUnchanged, deployer.ActionDeleted, deployer.ActionSkipped} {
		if n := cs.Count(a); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, a))
		}
	}
	return strings.Join(parts, ", ")
}

// writeTable prints rows the way helm list and history do: every cell
// padded to its column's width (cut to maxWidth with "..." when maxWidth > 0)
// and cells separated by a tab.
func writeTable(w io.Writer, maxWidth int, rows [][]string) error {
	var widths []int
	cells := make([][]string, len(rows))
	for i, row := range rows {
		cells[i] = make([]string, len(row))
		for j, c := range row {
			if n := utf8.RuneCountInString(c); maxWidth > 0 && n > maxWidth {
				c = string([]rune(c)[:maxWidth-3]) + "..."
			}
			cells[i][j] = c
			if j >= len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], utf8.RuneCountInString(c))
		}
	}
	var b strings.Builder
	for i, row := range cells {
		if i > 0 {
			b.WriteByte('\n')
		}
		for j, c := range row {
			if j > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[j]-utf8.RuneCountInString(c)))
		}
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}
