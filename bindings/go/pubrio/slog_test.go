//go:build go1.21

package pubrio_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

// A *slog.Logger is a pubrio.Logger as it is.
func TestSlogLoggerIsALogger(t *testing.T) {
	f := startFake(t, "--estimated-time", "0")
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	c := newClient(t, f, pubrio.WithLogger(logger, pubrio.LogInfo))
	if _, err := c.Profile(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "level=INFO") || !strings.Contains(buf.String(), "/profile") {
		t.Fatalf("slog got %q", buf.String())
	}
}
