package deployer

import (
	"errors"
	"fmt"
	"regexp"
)

const maxReleaseNameLen = 53

var releaseNameRE = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// ErrInvalidName is wrapped by name validation errors.
var ErrInvalidName = errors.New("invalid release name")

// ValidateName applies Helm's release name rules.
func ValidateName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: name is required", ErrInvalidName)
	}
	if len(name) > maxReleaseNameLen {
		return fmt.Errorf("%w %q: must be no more than %d characters", ErrInvalidName, name, maxReleaseNameLen)
	}
	if !releaseNameRE.MatchString(name) {
		return fmt.Errorf("%w %q: must match the regex %s", ErrInvalidName, name, releaseNameRE)
	}
	return nil
}
