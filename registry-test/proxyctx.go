package registrytest

import (
	"context"
	"io"
	"log"
)

type faultKey struct{}

func withFault(ctx context.Context, k FaultKind) context.Context {
	return context.WithValue(ctx, faultKey{}, k)
}

func faultFrom(ctx context.Context) (FaultKind, bool) {
	k, ok := ctx.Value(faultKey{}).(FaultKind)
	return k, ok
}

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }
