package pubrio

/*
#include <pubrio/pubrio.h>
#include <stdlib.h>
#include <string.h>
*/
import "C"

import (
	"context"
	"errors"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"time"
	"unsafe"
)

// ErrClosed is returned by calls on a closed Client or Bulk.
var ErrClosed = errors.New("pubrio: closed")

// Client is a connection to the API: key, base URL, timeouts, retries and a
// reused HTTP connection. It is safe for concurrent use, but its calls run
// one at a time (the C client is not thread-safe); for parallel calls use a
// Client per goroutine, or a bulk run. Close it when done.
type Client struct {
	mu        sync.Mutex
	ptr       *C.pubrio_client
	bulks     map[*bulkRun]struct{} // live runs, closed before the client
	logger    Logger                // WithLogger's, or nil
	logHandle cgo.Handle            // the logger as the C callback's userdata
}

type config struct {
	key      *string
	setters  []func(*C.pubrio_client, *C.pubrio_error) C.pubrio_status
	err      error // the first option refused before reaching C
	logger   Logger
	logLevel LogLevel
}

// Option configures NewClient.
type Option func(*config)

func setter(f func(*C.pubrio_client, *C.pubrio_error) C.pubrio_status) Option {
	return func(c *config) { c.setters = append(c.setters, f) }
}

func checked(what string, values []string, f func(*C.pubrio_client, *C.pubrio_error) C.pubrio_status) Option {
	return func(c *config) {
		c.refuseNUL(what, values...)
		setter(f)(c)
	}
}

// WithAPIKey sets the key (default: the PUBRIO_API_KEY environment variable).
func WithAPIKey(key string) Option {
	return func(c *config) {
		c.key = &key
		c.refuseNUL("the API key", key)
	}
}

// refuseNUL keeps strings holding a NUL byte from C, which would silently
// read them cut short.
func (c *config) refuseNUL(what string, values ...string) {
	for _, v := range values {
		if err := checkNUL(what, v); err != nil && c.err == nil {
			c.err = err
		}
	}
}

// WithBaseURL sets the API's URL, http or https, a path prefix kept
// (default: PUBRIO_BASE_URL, else https://api.pubrio.com).
func WithBaseURL(url string) Option {
	return checked("the base URL", []string{url}, func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		s := C.CString(url)
		defer C.free(unsafe.Pointer(s))
		return C.pubrio_client_set_base_url(p, s, e)
	})
}

// WithAllowInsecureHTTP allows a plain http:// base URL naming a host other
// than loopback. UNSAFE: the API key and every contact bought then cross the
// network in clear, readable by anyone on the path (a proxy included). Off by
// default: a call to such a URL fails with ErrInvalidArgument before anything
// is sent, while https:// and loopback (127.0.0.0/8, ::1, localhost) are
// always allowed. PUBRIO_ALLOW_INSECURE_HTTP=1 in the environment, read when
// the client is made, does the same. false refuses again.
func WithAllowInsecureHTTP(allow bool) Option {
	return setter(func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		return C.pubrio_client_set_allow_insecure_http(p, cbool(allow), e)
	})
}

// WithTimeouts sets the time to connect and the time for one attempt
// (defaults 10 s and 60 s); both at least a millisecond.
func WithTimeouts(connect, total time.Duration) Option {
	return setter(func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		return C.pubrio_client_set_timeouts(p, ms(connect), ms(total), e)
	})
}

// WithRetry sets the retry policy: attempts in all (1 disables retries) and
// the exponential backoff's first delay and cap (defaults 3, 500 ms, 8 s).
// A submit is retried only when the server provably did not process it.
func WithRetry(maxAttempts int, baseDelay, maxDelay time.Duration) Option {
	return setter(func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		return C.pubrio_client_set_retry(p, C.int(maxAttempts), ms(baseDelay), ms(maxDelay), e)
	})
}

// WithMaxRetryAfter sets the longest Retry-After honoured (default 60 s).
func WithMaxRetryAfter(d time.Duration) Option {
	return setter(func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		return C.pubrio_client_set_max_retry_after(p, ms(d), e)
	})
}

// WithRetryUnsafeSubmit opts in to retrying a submit after a 5xx, timeout or
// reset that came after it was sent: it may be charged twice. Off by default.
func WithRetryUnsafeSubmit(enabled bool) Option {
	return setter(func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		return C.pubrio_client_set_retry_unsafe_submit(p, cbool(enabled), e)
	})
}

// WithRateLimit paces requests: no 60-second window holds more than
// perMinute of them (0, the default, turns pacing off).
func WithRateLimit(perMinute int) Option {
	return setter(func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		return C.pubrio_client_set_rate_limit(p, C.int(perMinute), e)
	})
}

// WithUserAgent replaces the User-Agent (default "libpubrio/<version>").
func WithUserAgent(userAgent string) Option {
	return checked("the User-Agent", []string{userAgent}, func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		s := C.CString(userAgent)
		defer C.free(unsafe.Pointer(s))
		return C.pubrio_client_set_user_agent(p, s, e)
	})
}

// WithHeader sends an extra header with every request (e.g. for a gateway).
func WithHeader(name, value string) Option {
	return checked("a header", []string{name, value}, func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		n, v := C.CString(name), C.CString(value)
		defer C.free(unsafe.Pointer(n))
		defer C.free(unsafe.Pointer(v))
		return C.pubrio_client_set_header(p, n, v, e)
	})
}

// WithCA trusts the certificates of a PEM bundle and/or a directory ("" for
// neither) instead of the system's. Verification cannot be turned off.
func WithCA(caFile, caPath string) Option {
	return checked("a CA path", []string{caFile, caPath}, func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		f, d := cStringOrNil(caFile), cStringOrNil(caPath)
		defer C.free(unsafe.Pointer(f))
		defer C.free(unsafe.Pointer(d))
		return C.pubrio_client_set_ca(p, f, d, e)
	})
}

// WithMaxResponseBytes caps a response body (default 8 MiB, at least 1 KiB).
func WithMaxResponseBytes(n int) Option {
	return setter(func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		if n < 0 {
			n = 0 // refused by the library with its own message
		}
		return C.pubrio_client_set_max_response_bytes(p, C.size_t(n), e)
	})
}

// NewClient creates a client. Without WithAPIKey the key comes from
// PUBRIO_API_KEY (none at all is ErrNoAPIKey); a bad option is an *Error
// with ErrInvalidArgument naming it, and no client.
func NewClient(options ...Option) (*Client, error) {
	var cfg config
	for _, o := range options {
		o(&cfg)
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	var key *C.char
	if cfg.key != nil {
		key = C.CString(*cfg.key)
		defer func() {
			C.memset(unsafe.Pointer(key), 0, C.size_t(len(*cfg.key)))
			C.free(unsafe.Pointer(key))
		}()
	}
	var cerr C.pubrio_error
	var ptr *C.pubrio_client
	if status := C.pubrio_client_new(&ptr, key, &cerr); status != C.PUBRIO_OK {
		return nil, errorFromC(status, &cerr)
	}
	for _, set := range cfg.setters {
		if status := set(ptr, &cerr); status != C.PUBRIO_OK {
			C.pubrio_client_free(ptr)
			return nil, errorFromC(status, &cerr)
		}
	}
	c := &Client{ptr: ptr, bulks: map[*bulkRun]struct{}{}, logger: cfg.logger}
	if cfg.logger != nil {
		h, status := setLog(ptr, cfg.logger, cfg.logLevel, &cerr)
		if status != C.PUBRIO_OK {
			C.pubrio_client_free(ptr)
			return nil, errorFromC(status, &cerr)
		}
		c.logHandle = h
	}
	runtime.SetFinalizer(c, func(c *Client) { _ = c.Close() })
	return c, nil
}

// Close closes every bulk run still open on the client (as Bulk.Close
// does: submits in flight finish, what was collected is kept in the run's
// Drained, what was paid and not delivered is named), then frees the
// client, waiting for a call in progress to end. Calls after it return
// ErrClosed. The error is the first run's that left something paid and not
// delivered (errors.Is(err, ErrLeftover)), else nil.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return nil
	}
	var first error
	for b := range c.bulks {
		if err := b.closeLocked(); err != nil && first == nil {
			first = err
		}
	}
	C.pubrio_client_free(c.ptr)
	c.ptr = nil
	if c.logHandle != 0 {
		c.logHandle.Delete()
		c.logHandle = 0
	}
	runtime.SetFinalizer(c, nil)
	return first
}

// BaseURL is the URL in use.
func (c *Client) BaseURL() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return ""
	}
	return C.GoString(C.pubrio_client_base_url(c.ptr))
}

// RequestsSent counts the HTTP requests this client has sent, retries
// included.
func (c *Client) RequestsSent() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return int64(C.pubrio_client_requests_sent(c.ptr))
}

// ConnectionsOpened counts the connections this client has opened (1 for
// many calls means keep-alive worked).
func (c *Client) ConnectionsOpened() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return int64(C.pubrio_client_connections_opened(c.ptr))
}

// cfunc is one C call on the client, its error detail in the out-parameter
// (never thread-local state: cgo may run consecutive calls on different OS
// threads).
type cfunc func(*C.pubrio_client, *C.pubrio_error) C.pubrio_status

// do runs one C call: alone on the client, cancelled when ctx is done.
// submit says whether the call spends credits (its state when it never
// started is SubmitNotSpent).
func (c *Client) do(ctx context.Context, submit bool, call cfunc) error {
	if ctx == nil {
		ctx = context.Background()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return doneBefore(err, submit)
	}
	stop := cancelOnDone(ctx, c.ptr)
	var cerr C.pubrio_error
	status := call(c.ptr, &cerr)
	stop()
	if status == C.PUBRIO_OK {
		return nil
	}
	e := errorFromC(status, &cerr)
	if e.Status == ErrCancelled {
		e.cause = ctx.Err()
	}
	return e
}

// cancelOnDone watches ctx for the duration of a call: when it is done, it
// cancels the client (pubrio_client_cancel is thread-safe), which ends a
// transfer or a sleep within milliseconds. The returned stop, called once the
// call has returned, waits for the watcher so no cancel can land after it,
// then lets the client run again.
func cancelOnDone(ctx context.Context, ptr *C.pubrio_client) (stop func()) {
	done := ctx.Done()
	if done == nil { // context.Background: nothing to watch, no goroutine
		return func() {}
	}
	quit := make(chan struct{})
	fired := make(chan bool, 1)
	go func() {
		select {
		case <-done:
			C.pubrio_client_cancel(ptr)
			fired <- true
		case <-quit:
			fired <- false
		}
	}()
	return func() {
		close(quit)
		if <-fired {
			C.pubrio_client_reset_cancel(ptr)
		}
	}
}

func doneBefore(ctxErr error, submit bool) *Error {
	e := &Error{Status: ErrCancelled, RetryAfter: -1, cause: ctxErr,
		Message: "the context was done before the call started: " + ctxErr.Error()}
	if submit {
		e.SubmitState = SubmitNotSpent
	}
	return e
}

// checkNUL refuses a string C would read cut short at a NUL byte.
func checkNUL(what, s string) *Error {
	if strings.IndexByte(s, 0) < 0 {
		return nil
	}
	return &Error{Status: ErrInvalidArgument, RetryAfter: -1,
		Message: what + " holds a NUL byte"}
}

func ms(d time.Duration) C.int64_t { return C.int64_t(d / time.Millisecond) }

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

func cStringOrNil(s string) *C.char {
	if s == "" {
		return nil
	}
	return C.CString(s)
}
