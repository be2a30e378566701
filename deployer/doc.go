// Package deployer installs, upgrades, rolls back and uninstalls rendered
// charts on a Kubernetes cluster and keeps releases in Helm-format Secrets.
//
// Releases are stored exactly as Helm 3 stores them (sh.helm.release.v1.NAME.vN
// Secrets of type helm.sh/release.v1, base64(gzip(json)) payloads, the same
// labels and status state machine), so helm and berth can take turns on one
// release. Differences from Helm, all deliberate:
//
//   - Apply is a three-way merge from the previous revision, the new one and
//     the live object for every kind: strategic merge patches for built-in
//     kinds and three-way JSON merge patches for custom resources (Helm uses a
//     two-way patch there and never corrects drift on them). Desired objects
//     pass through their Go types first, so an unchanged chart sends no PATCH
//     at all (Helm patches every Secret with stringData, every strategy, …).
//   - --wait also waits for custom resources: a Ready condition must be True
//     for the current generation, and resources whose CRD has a status
//     subresource must have reported a status.
//   - Locking: the new revision's Secret is created before anything is
//     applied (a second operation fails on the create) and every later write
//     is resourceVersion-checked. A revision left pending-* by a killed
//     process is reported with the command that frees it: Recover marks it
//     failed. An upgrade takes over by itself only when asked to
//     (UpgradeOptions.TakeOverAfter, --take-over-after) and the pending
//     revision has recorded no activity for that long.
//   - List reads Secret labels first and fetches and decodes only the newest
//     revisions it prints, and of those only name, info and chart metadata.
//   - Uninstall skips objects that another release has adopted since.
//
// Operations are methods of Deployer named after Helm's commands; their
// options are grouped by concern (WaitOptions, FailureOptions,
// RecordOptions, ApplyMethod). The library prints nothing: progress goes to
// Deployer.Progress.
package deployer
