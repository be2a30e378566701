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
//     is resourceVersion-checked. Uninstall takes the same lock: it moves the
//     newest revision to uninstalling with a checked write, and whichever of
//     an uninstall and a new revision sees the other afterwards backs off.
//     History is pruned only once the lock is held. A revision left
//     pending-* by a killed process is reported with the command that frees
//     it: Recover marks it failed. An upgrade takes over by itself only when
//     asked to (UpgradeOptions.TakeOverAfter, --take-over-after) and the
//     pending revision has recorded no activity for that long.
//   - List reads Secret labels first and fetches and decodes only the newest
//     revisions it prints, and of those only name, info and chart metadata.
//   - Uninstall skips objects that another release has adopted since.
//
// Shape: operations are methods of Deployer named after Helm's commands.
// Each verb has a planner (planInstall, planUpgrade, planRollback,
// planUninstall) that only reads and returns a plan as data: the revision to
// record, the objects to move from (original) and to (target), the hook
// events before and after, how to record success and the failure policy.
// One executor (execute.go) runs every plan: prepare (namespace, CRDs,
// build), lock, prune history, hooks, apply (or delete), wait, hooks, and
// records the outcome. The failure policy is data too: delete what was
// created, then an undo step (uninstall the release, or roll back to a
// revision) that is planned and executed like any other operation; verbs
// never call each other. A dry run, and diff, are a plan with a dry-run
// apply.
//
// Every verb's options embed one Options group: DryRun (none, client,
// server), NoHooks, TakeOwnership, Method, Wait, Failure and Record. The
// executor reaches releases through ReleaseStore (*Store: Helm-format
// Secrets) and the cluster through Applier (*Kube: a real API server), so
// the state machine is tested in memory in milliseconds and proven on a
// real control plane. The library prints nothing: progress goes to
// Deployer.Progress.
package deployer
