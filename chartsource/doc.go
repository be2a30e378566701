// Package chartsource turns a CHART argument into the chart and where it
// came from. One resolver reads every kind of reference berth accepts: a
// chart directory or .tgz on disk, oci://host/repo[:tag][@digest] (with a
// version, range or digest), REPO/CHART of a classic repository added with
// `repo add`, an http(s):// archive URL, and a chart name of a repository
// given by URL (helm's --repo). Signatures are checked before the chart is
// returned, as the options' Policy asks: cosign keys (oci:// charts), or a
// PGP keyring for the chart's provenance file (.prov).
//
// It sits between the command line and the libraries that fetch charts:
// cli → chartsource → oci, chartrepo → chartfmt. It prints nothing; notes
// for the user go through Options.Warn.
package chartsource
