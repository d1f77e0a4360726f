package pubrio

/*
#include <pubrio/pubrio.h>
*/
import "C"

import (
	"fmt"
	"strings"
	"time"
)

// Error is a failed call: the C library's pubrio_error, copied into Go.
//
//	var perr *pubrio.Error
//	if errors.As(err, &perr) && perr.SubmitState == pubrio.SubmitAccepted {
//		// credits were spent: collect perr.RedeemQueryID, do not submit again
//	}
//
// errors.Is(err, pubrio.ErrBadRequest) compares the Status; after a context
// was done, errors.Is(err, context.Canceled) (or DeadlineExceeded) is true
// as well as errors.Is(err, pubrio.ErrCancelled). The API key never appears
// in any field.
type Error struct {
	Status        Status        // what went wrong, also a sentinel for errors.Is
	Message       string        // one sentence from the layer that knows
	Attempts      int           // HTTP attempts made (0 if none was sent)
	HTTPStatus    int           // the last HTTP status, 0 when none
	APICode       int64         // a 400 body's `code`, 0 when absent
	APIMessage    string        // the server's `message` or `error` text
	DetailsJSON   string        // a 400 body's `details`, as JSON
	RequestID     string        // the x-request-id (or request-id) header
	RedeemQueryID string        // the paid batch when SubmitState is SubmitAccepted
	SubmitState   SubmitState   // what became of a submit (SubmitNone for other calls)
	RetryAfter    time.Duration // the server's Retry-After, -1 when none

	cause error // the context's error when a context cancelled the call
}

// Error reads "pubrio: <status>: <message>", the message naming the HTTP
// status and request id when there was one, then what became of a submit
// and the context's error when they apply.
func (e *Error) Error() string {
	s := "pubrio: " + e.Status.String()
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.SubmitState != SubmitNone {
		s += " (submit " + e.SubmitState.String() + ")"
	}
	if e.cause != nil {
		s += " (" + e.cause.Error() + ")"
	}
	return s
}

// Is makes errors.Is(err, pubrio.ErrBadRequest) and the other Status
// sentinels match.
func (e *Error) Is(target error) bool {
	s, ok := target.(Status)
	return ok && s == e.Status
}

// Unwrap gives the context's error (context.Canceled or
// context.DeadlineExceeded) when a context ended the call, else nil.
func (e *Error) Unwrap() error { return e.cause }

// errorFromC copies a failed call's details into Go and clears the C struct.
func errorFromC(status C.pubrio_status, cerr *C.pubrio_error) *Error {
	e := &Error{
		Status:        Status(status),
		Message:       goNames(goString(cerr.message)),
		Attempts:      int(cerr.attempts),
		HTTPStatus:    int(cerr.http_status),
		APICode:       int64(cerr.api_code),
		APIMessage:    goString(cerr.api_message),
		DetailsJSON:   goString(cerr.details_json),
		RequestID:     goString(cerr.request_id),
		RedeemQueryID: goString(cerr.redeem_query_id),
		SubmitState:   SubmitState(cerr.submit_state),
		RetryAfter:    -1,
	}
	if cerr.retry_after_ms >= 0 {
		e.RetryAfter = time.Duration(cerr.retry_after_ms) * time.Millisecond
	}
	C.pubrio_error_clear(cerr)
	return e
}

// cNames are the C library's calls its messages may tell the reader to
// make, with the Go method that does the same: a Go user is never told to
// call a C function.
var cNames = strings.NewReplacer(
	"pubrio_redeem_people_batch_wait()", "Client.Wait",
	"pubrio_redeem_people_batch_query()", "Client.Query",
	"pubrio_bulk_uncollected()", "Bulk.Uncollected",
	"pubrio_bulk_uncertain()", "Bulk.Uncertain",
	"pubrio_bulk_drained()", "Bulk.Drained",
	"pubrio_bulk_close()", "Bulk.Close",
	"pubrio_lookup_person", "Client.LookupPerson",
	"pubrio_lookup_batch", "Client.Lookup",
)

// goNames rewrites a library message for a Go reader.
func goNames(msg string) string { return cNames.Replace(msg) }

func goString(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return fmt.Sprintf("%q", s)
}
