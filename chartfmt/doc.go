// Package chartfmt is the Helm chart as data and everything computed from it
// without a network: loading, values, rendering, packaging, lint and create.
//
// The compatibility target is Helm v3.22.0: rendering is byte-identical to
// `helm template` of that version.
package chartfmt

// HelmVersion is the Helm release whose chart format, rendering and release
// storage berth reproduces.
const HelmVersion = "v3.22.0"
