package pubrio_test

// Plain http off loopback (issue 27 item 8): refused before anything is
// sent unless the client is made WithAllowInsecureHTTP(true). Nothing but
// 127.0.0.1 is ever contacted: the refusal happens before any connection,
// and the opt-in is shown through a second name of 127.0.0.1 from
// /etc/hosts (the fake server then sees the request).

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

// plainHTTPEnvironment keeps the caller's environment out: neither the
// opt-in's variable nor a proxy (contacted instead of the name) applies.
func plainHTTPEnvironment(t *testing.T) {
	t.Setenv("PUBRIO_ALLOW_INSECURE_HTTP", "")
	for _, v := range []string{"http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"} {
		if os.Getenv(v) != "" {
			t.Skipf("%s is set: the opt-in would reach the proxy", v)
		}
	}
}

// loopbackAlias is a name of /etc/hosts, other than localhost, that
// resolves to loopback addresses only, 127.0.0.1 among them ("" when this
// machine has none).
func loopbackAlias() string {
	hosts, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return ""
	}
	var loopback []string
	elsewhere := map[string]bool{}
	for _, line := range strings.Split(string(hosts), "\n") {
		fields := strings.Fields(strings.SplitN(line, "#", 2)[0])
		if len(fields) < 2 {
			continue
		}
		ip := net.ParseIP(fields[0])
		for _, name := range fields[1:] {
			name = strings.ToLower(name)
			switch {
			case ip == nil:
			case ip.IsLoopback():
				loopback = append(loopback, name)
			default:
				elsewhere[name] = true
			}
		}
	}
	for _, name := range loopback {
		if name == "localhost" || elsewhere[name] {
			continue
		}
		addrs, err := net.LookupHost(name)
		if err != nil || len(addrs) == 0 {
			continue
		}
		ok, v4 := true, false
		for _, a := range addrs {
			ip := net.ParseIP(a)
			ok = ok && ip != nil && ip.IsLoopback()
			v4 = v4 || a == "127.0.0.1"
		}
		if ok && v4 {
			return name
		}
	}
	return ""
}

func refusedBeforeSending(t *testing.T, err error, url string) {
	t.Helper()
	var e *pubrio.Error
	if !errors.Is(err, pubrio.ErrInvalidArgument) || !errors.As(err, &e) {
		t.Fatalf("%s: want ErrInvalidArgument, got %v", url, err)
	}
	if !strings.Contains(e.Message, "refusing plain http to "+url) || e.Attempts != 0 ||
		strings.Contains(err.Error(), "test-key") {
		t.Fatalf("%s: %+v", url, e)
	}
}

func TestPlainHTTPOffLoopbackIsRefusedBeforeAnythingIsSent(t *testing.T) {
	plainHTTPEnvironment(t)
	f := startFake(t)
	// .invalid never resolves: the refusal comes before any lookup.
	c := newClient(t, f, pubrio.WithBaseURL("http://api.pubrio.invalid"))
	_, err := c.Profile(context.Background())
	refusedBeforeSending(t, err, "http://api.pubrio.invalid")
	// Loopback stays allowed: the fake server answers at 127.0.0.1.
	if _, err := newClient(t, f).Profile(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := f.stats().Total; n != 1 {
		t.Fatalf("the fake saw %d requests, want 1", n)
	}
}

func TestWithAllowInsecureHTTPLetsPlainHTTPToAnotherNameThrough(t *testing.T) {
	plainHTTPEnvironment(t)
	alias := loopbackAlias()
	if alias == "" {
		t.Skip("no second name of 127.0.0.1 in /etc/hosts")
	}
	f := startFake(t)
	url := strings.Replace(f.URL, "127.0.0.1", alias, 1)
	_, err := newClient(t, f, pubrio.WithBaseURL(url)).Profile(context.Background())
	refusedBeforeSending(t, err, url)
	if n := f.stats().Total; n != 0 {
		t.Fatalf("the fake saw %d requests before the opt-in, want 0", n)
	}
	opted := newClient(t, f, pubrio.WithBaseURL(url), pubrio.WithAllowInsecureHTTP(true))
	if _, err := opted.Profile(context.Background()); err != nil {
		t.Fatalf("%s opted in: %v", url, err)
	}
	if n := f.stats().Total; n != 1 {
		t.Fatalf("the fake saw %d requests after the opt-in, want 1", n)
	}
	_, err = newClient(t, f, pubrio.WithBaseURL(url), pubrio.WithAllowInsecureHTTP(true),
		pubrio.WithAllowInsecureHTTP(false)).Profile(context.Background())
	refusedBeforeSending(t, err, url)
}
