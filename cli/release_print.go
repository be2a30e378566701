package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/berth-dev/berth/deployer"
)

// helmTime is how helm list and history print times.
const helmTime = "2006-01-02 15:04:05.999999999 -0700 MST"

// releaseStatus is the -o json|yaml shape of install, upgrade, rollback and
// status: Helm's status fields plus what berth changed.
type releaseStatus struct {
	Name         string            `json:"name"`
	Namespace    string            `json:"namespace"`
	Revision     int               `json:"revision"`
	Status       string            `json:"status"`
	Description  string            `json:"description"`
	FirstDeploy  string            `json:"first_deployed,omitempty"`
	LastDeployed string            `json:"last_deployed,omitempty"`
	Chart        string            `json:"chart"`
	AppVersion   string            `json:"app_version"`
	Notes        string            `json:"notes,omitempty"`
	Changes      []deployer.Change `json:"changes,omitempty"`
	Config       map[string]any    `json:"config,omitempty"`
}

func statusOf(r *deployer.Release, cs *deployer.ChangeSet) releaseStatus {
	s := releaseStatus{
		Name: r.Name, Namespace: r.Namespace, Revision: r.Version, Chart: r.ChartVersion(), AppVersion: r.AppVersion(),
		Config: r.Config,
	}
	if r.Info != nil {
		s.Status, s.Description, s.Notes = string(r.Info.Status), r.Info.Description, r.Info.Notes
		s.FirstDeploy, s.LastDeployed = releaseTime(r.Info.FirstDeployed), releaseTime(r.Info.LastDeployed)
	}
	if cs != nil {
		s.Changes = cs.Entries
	}
	return s
}

func releaseTime(t deployer.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// printReleaseInfo prints a release the way helm install/status do, or as
// JSON/YAML with -o.
func printReleaseInfo(w io.Writer, format string, r *deployer.Release, cs *deployer.ChangeSet) error {
	if done, err := printStructured(w, format, statusOf(r, cs)); done {
		return err
	}
	fmt.Fprintf(w, "NAME: %s\n", r.Name)
	if r.Info != nil && !r.Info.LastDeployed.IsZero() {
		fmt.Fprintf(w, "LAST DEPLOYED: %s\n", r.Info.LastDeployed.Format(time.ANSIC))
	}
	fmt.Fprintf(w, "NAMESPACE: %s\n", r.Namespace)
	if r.Info != nil {
		fmt.Fprintf(w, "STATUS: %s\n", r.Info.Status)
	}
	fmt.Fprintf(w, "REVISION: %d\n", r.Version)
	if r.Info != nil && r.Info.Description != "" && r.Info.Status != deployer.StatusDeployed {
		fmt.Fprintf(w, "DESCRIPTION: %s\n", r.Info.Description)
	}
	if cs != nil && len(cs.Entries) > 0 {
		fmt.Fprintf(w, "CHANGES: %s\n", changeSummary(cs))
	}
	printTestSuites(w, r)
	if r.Info != nil && strings.TrimSpace(r.Info.Notes) != "" {
		fmt.Fprintf(w, "NOTES:\n%s\n", strings.TrimSpace(r.Info.Notes))
	}
	return nil
}

// printTestSuites shows the last run of each test hook, as helm status does.
func printTestSuites(w io.Writer, r *deployer.Release) {
	for _, h := range r.Hooks {
		if h.LastRun.StartedAt.IsZero() || !slices.Contains(h.Events, deployer.TestEvent) {
			continue
		}
		fmt.Fprintf(w, "TEST SUITE:     %s\nLast Started:   %s\nLast Completed: %s\nPhase:          %s\n",
			h.Name, h.LastRun.StartedAt.Format(time.ANSIC), h.LastRun.CompletedAt.Format(time.ANSIC), h.LastRun.Phase)
	}
}

func changeSummary(cs *deployer.ChangeSet) string {
	var parts []string
	for _, a := range []deployer.Action{deployer.ActionCreated, deployer.ActionConfigured, deployer.ActionUnchanged, deployer.ActionDeleted, deployer.ActionSkipped} {
		if n := cs.Count(a); n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, a))
		}
	}
	return strings.Join(parts, ", ")
}

func releaseTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 1, ' ', 0)
}
