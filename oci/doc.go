// Package oci moves charts and images between OCI registries, layouts and
// archives, in Helm's own artifact format.
package oci
