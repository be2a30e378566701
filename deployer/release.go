package deployer

import (
	"encoding/json"
	"time"

	"github.com/berth-dev/berth/chartfmt"
)

// Release is one revision of a release, shaped field for field like the JSON
// Helm 3 stores in its release Secrets (see helm-release-and-deploy.md §1.3).
type Release struct {
	Name      string         `json:"name,omitempty"`
	Info      *Info          `json:"info,omitempty"`
	Chart     *Chart         `json:"chart,omitempty"`
	Config    map[string]any `json:"config,omitempty"`
	Manifest  string         `json:"manifest,omitempty"`
	Hooks     []*Hook        `json:"hooks,omitempty"`
	Version   int            `json:"version,omitempty"`
	Namespace string         `json:"namespace,omitempty"`
	// ApplyMethod is Helm 4's "ssa" or "csa"; Helm 3 ignores it.
	ApplyMethod string `json:"apply_method,omitempty"`

	// Labels are the user's custom labels; like Helm they live only on the
	// Secret, never in the JSON.
	Labels map[string]string `json:"-"`

	// Deadline is when the operation that wrote a pending revision gives
	// up (its --timeout from the start); zero when unknown (written by
	// helm) or not pending. berth keeps it in a Secret annotation so that
	// recover and uninstall can tell a live operation from a dead one.
	Deadline time.Time `json:"-"`

	// Origin is where the chart came from (nil: unknown, e.g. a local
	// folder or a revision helm wrote); kept like Deadline.
	Origin *Origin `json:"-"`

	// resourceVersion of the Secret this revision was read from, so updates
	// fail instead of overwriting a concurrent writer's change.
	resourceVersion string
}

// Info is a revision's status and timestamps.
type Info struct {
	FirstDeployed Time   `json:"first_deployed"`
	LastDeployed  Time   `json:"last_deployed"`
	Deleted       Time   `json:"deleted"`
	Description   string `json:"description,omitempty"`
	Status        Status `json:"status,omitempty"`
	Notes         string `json:"notes,omitempty"`
	// Resources are the live objects status --show-resources -o json|yaml
	// shows, by group (see Deployer.Resources); never stored.
	Resources map[string][]json.RawMessage `json:"resources,omitempty"`
}

// Chart is the chart as Helm stores it inside a release: the parent chart's
// metadata, lock, templates, default values, schema and files. Subcharts are
// not stored (Helm drops them too).
type Chart struct {
	Metadata  *chartfmt.Metadata `json:"metadata"`
	Lock      *chartfmt.Lock     `json:"lock"`
	Templates []*File            `json:"templates"`
	Values    map[string]any     `json:"values"`
	Schema    []byte             `json:"schema"`
	Files     []*File            `json:"files"`
}

// File is a chart file in a stored release; Data is base64 in JSON.
type File struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

// Hook is a hook recorded in a release with the state of its last run.
type Hook struct {
	Name              string        `json:"name,omitempty"`
	Kind              string        `json:"kind,omitempty"`
	Path              string        `json:"path,omitempty"`
	Manifest          string        `json:"manifest,omitempty"`
	Events            []string      `json:"events,omitempty"`
	LastRun           HookExecution `json:"last_run"`
	Weight            int           `json:"weight,omitempty"`
	DeletePolicies    []string      `json:"delete_policies,omitempty"`
	OutputLogPolicies []string      `json:"output_log_policies,omitempty"`
}

// HookExecution is the state of a hook's last run.
type HookExecution struct {
	StartedAt   Time      `json:"started_at"`
	CompletedAt Time      `json:"completed_at"`
	Phase       HookPhase `json:"phase"`
}

// HookPhase is Helm's hook phase string.
type HookPhase string

// Hook phases.
const (
	HookPhaseUnknown   HookPhase = "Unknown"
	HookPhaseRunning   HookPhase = "Running"
	HookPhaseSucceeded HookPhase = "Succeeded"
	HookPhaseFailed    HookPhase = "Failed"
)

// Hook delete policies.
const (
	HookBeforeCreation = "before-hook-creation"
	HookSucceeded      = "hook-succeeded"
	HookFailed         = "hook-failed"
)

// ChartName is the stored chart's name, or "" without a chart.
func (r *Release) ChartName() string {
	if r.Chart == nil || r.Chart.Metadata == nil {
		return ""
	}
	return r.Chart.Metadata.Name
}

// ChartVersion is "name-version" as helm list prints it.
func (r *Release) ChartVersion() string {
	if r.Chart == nil || r.Chart.Metadata == nil {
		return ""
	}
	return r.Chart.Metadata.Name + "-" + r.Chart.Metadata.Version
}

// AppVersion is the stored chart's appVersion.
func (r *Release) AppVersion() string {
	if r.Chart == nil || r.Chart.Metadata == nil {
		return ""
	}
	return r.Chart.Metadata.AppVersion
}
