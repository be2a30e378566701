// Package image opens container images from the places they live before a
// release — `docker save` archives, OCI image layouts (folder or tar),
// registries and the local Docker daemon — as go-containerregistry images or
// indexes, and pushes them by digest. It prints nothing: progress goes to a
// callback.
package image
