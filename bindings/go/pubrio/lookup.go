package pubrio

/*
#include <pubrio/pubrio.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unsafe"
)

// LookupEntry is one thing to look up: an Email, a Phone, or a FirstName
// and LastName with a Domain or a Company (a similarity match, sent only
// when LookupRequest.Similarity is set). Empty fields are not sent; several
// may be set, the API tries the exact ones first.
type LookupEntry struct {
	Email     string // a work or personal email
	Phone     string // E.164 preferred; spaces and punctuation are fine
	FirstName string
	LastName  string
	Domain    string // the company's web domain; a URL is reduced to it
	Company   string // the company's name
}

// LookupRequest is the entries of a contact lookup and its options.
type LookupRequest struct {
	Entries []LookupEntry
	// Similarity looks up entries with only a name and a domain or company
	// too. Off by default: a similarity match can name the wrong person,
	// so such entries are answered LookupNotLookedUp with the reason.
	Similarity bool
	ProfileID  *int64 // sent only when set
	BatchSize  int    // the most entries a request holds; 0: 100
}

// LookupOutcome says what became of one entry.
type LookupOutcome int

const (
	// LookupFound: matched, the person is named.
	LookupFound LookupOutcome = C.PUBRIO_LOOKUP_FOUND
	// LookupNotFound: looked up, nobody matched (free).
	LookupNotFound LookupOutcome = C.PUBRIO_LOOKUP_NOT_FOUND
	// LookupNotLookedUp: only a name with a domain or company while
	// similarity is off; see LookupAnswer.Reason.
	LookupNotLookedUp LookupOutcome = C.PUBRIO_LOOKUP_NOT_LOOKED_UP
	// LookupFailed: its request failed; see LookupAnswer.Status and
	// SubmitState (SubmitUncertain: maybe charged, never resent).
	LookupFailed LookupOutcome = C.PUBRIO_LOOKUP_FAILED
	// LookupNotSent: the call stopped at an earlier failure before its
	// request left; nothing spent.
	LookupNotSent LookupOutcome = C.PUBRIO_LOOKUP_NOT_SENT
)

func (o LookupOutcome) String() string {
	switch o {
	case LookupFound:
		return "found"
	case LookupNotFound:
		return "not found"
	case LookupNotLookedUp:
		return "not looked up"
	case LookupFailed:
		return "failed"
	case LookupNotSent:
		return "not sent"
	}
	return "outcome " + strconv.Itoa(int(o))
}

// LookupConfidence says how a match was made.
type LookupConfidence int

const (
	ConfidenceNone              LookupConfidence = C.PUBRIO_LOOKUP_CONFIDENCE_NONE    // no match
	ConfidenceExact             LookupConfidence = C.PUBRIO_LOOKUP_EXACT              // by email or phone
	ConfidenceSimilarityDomain  LookupConfidence = C.PUBRIO_LOOKUP_SIMILARITY_DOMAIN  // by name and domain
	ConfidenceSimilarityCompany LookupConfidence = C.PUBRIO_LOOKUP_SIMILARITY_COMPANY // by name and company
	ConfidenceOther             LookupConfidence = C.PUBRIO_LOOKUP_CONFIDENCE_OTHER   // see LookupAnswer.ConfidenceText
)

// String is the API's word: "exact", "similarity_domain",
// "similarity_company"; "" for none, "other".
func (c LookupConfidence) String() string {
	return C.GoString(C.pubrio_lookup_confidence_str(C.pubrio_lookup_confidence(c)))
}

// LookupAnswer is the answer for one entry, in the entry's place.
type LookupAnswer struct {
	Outcome          LookupOutcome
	Reason           string // why it was not looked up or failed
	PeopleSearchID   string // the person found
	FirstName        string // as answered
	LastName         string
	PeopleName       string
	CompanyName      string
	Domain           string
	Confidence       LookupConfidence
	ConfidenceText   string      // the answer's own text
	InputValue       string      // the identifier that matched, as answered
	InputType        string      // email-work, email-personal, phone, domain or company
	IsDuplicateInput bool        // the API saw this input twice in one request (free)
	Credits          int64       // 1 for a billable match, else 0
	Status           Status      // LookupFailed: its request's status; else StatusOK
	SubmitState      SubmitState // LookupFailed, LookupNotSent: whether credits may have been spent
}

// LookupResult is the answers of a lookup, Answers[i] entry i's, and what
// it cost.
type LookupResult struct {
	Answers        []LookupAnswer
	CreditsCharged int64 // as the API reported them
	Requests       int   // HTTP requests that left (a 429 retried counts each time)
}

// Uncertain lists the entries whose request failed after it may have been
// charged (no answer came): the library never resends them.
func (r LookupResult) Uncertain() []int {
	return r.indices(func(a *LookupAnswer) bool {
		return a.Outcome == LookupFailed && a.SubmitState == SubmitUncertain
	})
}

func (r LookupResult) indices(keep func(*LookupAnswer) bool) []int {
	var out []int
	for i := range r.Answers {
		if keep(&r.Answers[i]) {
			out = append(out, i)
		}
	}
	return out
}

// LookupError is a lookup that failed after its entries were checked:
// Err is the typed *Error (errors.Is(err, pubrio.ErrTransport) and
// errors.As(err, &perr) see through), Entries the entries that failed, and
// Result every answer received (the found ones are paid for), the same
// Client.Lookup returns beside it.
type LookupError struct {
	Err     error
	Entries []int
	Result  LookupResult
}

// Error is Err's text naming the failed entries.
func (e *LookupError) Error() string {
	if len(e.Entries) == 0 {
		return e.Err.Error()
	}
	return e.Err.Error() + " (lookup entries " + ranges(e.Entries) + " failed)"
}

// Unwrap gives the *Error.
func (e *LookupError) Unwrap() error { return e.Err }

// ranges writes indices as short ranges: "0-99, 120".
func ranges(indices []int) string {
	var parts []string
	for i := 0; i < len(indices); i++ {
		start := indices[i]
		for i+1 < len(indices) && indices[i+1] == indices[i]+1 {
			i++
		}
		if indices[i] == start {
			parts = append(parts, strconv.Itoa(start))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", start, indices[i]))
		}
	}
	return strings.Join(parts, ", ")
}

// LookupPlan is what a lookup of a request would do (LookupRequest.Plan).
type LookupPlan struct {
	Lookups          int   // entries that would be looked up
	WorstCaseCredits int64 // 1 per entry looked up
	Refused          int   // entries not looked up (a name only, similarity off)
	Requests         int   // batch requests the split makes
}

// Plan says, without sending anything, how many entries a lookup would
// look up (the worst case in credits), refuse and send in how many
// requests; a bad entry is an *Error with ErrInvalidArgument naming it.
func (req LookupRequest) Plan() (LookupPlan, error) {
	if err := req.check(); err != nil {
		return LookupPlan{}, err
	}
	var cerr C.pubrio_error
	r, status := req.toC(&cerr)
	if status == C.PUBRIO_OK {
		defer C.pubrio_lookup_request_free(r)
		var lookups, refused, requests C.size_t
		status = C.pubrio_lookup_request_plan(r, &lookups, &refused, &requests, &cerr)
		if status == C.PUBRIO_OK {
			return LookupPlan{Lookups: int(lookups), WorstCaseCredits: int64(lookups),
				Refused: int(refused), Requests: int(requests)}, nil
		}
	}
	return LookupPlan{}, errorFromC(status, &cerr)
}

// Lookup resolves every entry to a person (POST
// /redeem/people/contact/lookup/batch, as many requests as the batch size
// and the mapping need): an answer per entry, in entry order. This SPENDS
// CREDITS (1 per billable match; misses and duplicates are free), each
// request once: a 429 is waited for, anything else stops the call. Each
// match is mapped back to its entry by the identifier it names, never by
// position; one that maps to no entry is ErrProtocol, never guessed.
//
// A bad entry fails with an *Error (ErrInvalidArgument, naming the entry)
// before anything is sent. A failure after that is a *LookupError, and the
// result returned beside it holds every answer received, the failed
// entries with their SubmitState and the entries never sent.
func (c *Client) Lookup(ctx context.Context, req LookupRequest) (LookupResult, error) {
	return c.lookup(ctx, req, false)
}

// LookupPerson looks up a request's one entry (POST
// /redeem/people/contact/lookup); a request of another size is
// ErrInvalidArgument, nothing sent. It spends credits once, as Lookup,
// whose errors it returns the same way.
func (c *Client) LookupPerson(ctx context.Context, req LookupRequest) (LookupAnswer, error) {
	result, err := c.lookup(ctx, req, true)
	if len(result.Answers) == 0 {
		return LookupAnswer{}, err
	}
	return result.Answers[0], err
}

func (c *Client) lookup(ctx context.Context, req LookupRequest, single bool) (LookupResult, error) {
	if err := req.check(); err != nil {
		err.SubmitState = SubmitNotSpent
		return LookupResult{}, err
	}
	var result LookupResult
	err := c.do(ctx, true, func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		r, status := req.toC(e)
		if status != C.PUBRIO_OK {
			e.submit_state = C.PUBRIO_SUBMIT_NOT_SPENT
			return status
		}
		defer C.pubrio_lookup_request_free(r)
		var out *C.pubrio_lookup_result
		if single {
			status = C.pubrio_lookup_person(p, r, &out, e)
		} else {
			status = C.pubrio_lookup_batch(p, r, &out, e)
		}
		result = takeLookupResult(out)
		return status
	})
	var perr *Error
	if err != nil && result.Answers != nil && errors.As(err, &perr) {
		failed := result.indices(func(a *LookupAnswer) bool { return a.Outcome == LookupFailed })
		err = &LookupError{Err: perr, Entries: failed, Result: result}
	}
	return result, err
}

// check refuses what C would read cut short (a NUL byte) or wrap around
// (a negative batch size), naming the entry.
func (req LookupRequest) check() *Error {
	for i, e := range req.Entries {
		for _, f := range e.fields() {
			if err := checkNUL(fmt.Sprintf("the %s of lookup entry %d", f.name, i), f.value); err != nil {
				return err
			}
		}
	}
	if req.BatchSize < 0 {
		return &Error{Status: ErrInvalidArgument, RetryAfter: -1,
			Message: fmt.Sprintf("batch size %d is negative (0 keeps the default)", req.BatchSize)}
	}
	return nil
}

type lookupField struct {
	field C.pubrio_lookup_field
	name  string
	value string
}

func (e LookupEntry) fields() [6]lookupField {
	return [6]lookupField{
		{C.PUBRIO_LOOKUP_EMAIL, "email", e.Email},
		{C.PUBRIO_LOOKUP_PHONE, "phone", e.Phone},
		{C.PUBRIO_LOOKUP_FIRST_NAME, "first name", e.FirstName},
		{C.PUBRIO_LOOKUP_LAST_NAME, "last name", e.LastName},
		{C.PUBRIO_LOOKUP_DOMAIN, "domain", e.Domain},
		{C.PUBRIO_LOOKUP_COMPANY, "company", e.Company},
	}
}

// toC makes the C request, each value checked by the library (a refusal
// names the entry); the caller frees it.
func (req LookupRequest) toC(e *C.pubrio_error) (*C.pubrio_lookup_request, C.pubrio_status) {
	var r *C.pubrio_lookup_request
	status := C.pubrio_lookup_request_new(&r, e)
	for _, entry := range req.Entries {
		var index C.size_t
		if status == C.PUBRIO_OK {
			status = C.pubrio_lookup_request_add_entry(r, &index, e)
		}
		for _, f := range entry.fields() {
			if status != C.PUBRIO_OK || f.value == "" {
				continue
			}
			value := C.CString(f.value)
			status = C.pubrio_lookup_request_set(r, index, f.field, value, e)
			C.free(unsafe.Pointer(value))
		}
	}
	if status == C.PUBRIO_OK {
		status = C.pubrio_lookup_request_set_similarity(r, cbool(req.Similarity), e)
	}
	if status == C.PUBRIO_OK && req.ProfileID != nil {
		status = C.pubrio_lookup_request_set_profile_id(r, C.int64_t(*req.ProfileID), e)
	}
	if status == C.PUBRIO_OK && req.BatchSize != 0 {
		status = C.pubrio_lookup_request_set_batch_size(r, C.size_t(req.BatchSize), e)
	}
	if status != C.PUBRIO_OK {
		C.pubrio_lookup_request_free(r)
		return nil, status
	}
	return r, status
}

// takeLookupResult copies a C result into Go and frees it; nil is the
// zero result.
func takeLookupResult(r *C.pubrio_lookup_result) LookupResult {
	if r == nil {
		return LookupResult{}
	}
	defer C.pubrio_lookup_result_free(r)
	n := int(C.pubrio_lookup_result_count(r))
	res := LookupResult{Answers: make([]LookupAnswer, 0, n)}
	for i := 0; i < n; i++ {
		a := C.pubrio_lookup_result_answer(r, C.size_t(i))
		res.Answers = append(res.Answers, LookupAnswer{
			Outcome:          LookupOutcome(a.outcome),
			Reason:           goString(a.reason),
			PeopleSearchID:   goString(a.people_search_id),
			FirstName:        goString(a.first_name),
			LastName:         goString(a.last_name),
			PeopleName:       goString(a.people_name),
			CompanyName:      goString(a.company_name),
			Domain:           goString(a.domain),
			Confidence:       LookupConfidence(a.confidence),
			ConfidenceText:   goString(a.confidence_text),
			InputValue:       goString(a.input_value),
			InputType:        goString(a.input_type),
			IsDuplicateInput: a.is_duplicate_input != 0,
			Credits:          int64(a.credits),
			Status:           Status(a.status),
			SubmitState:      SubmitState(a.submit_state),
		})
	}
	var charged C.int64_t
	var requests C.size_t
	C.pubrio_lookup_result_totals(r, &charged, &requests)
	res.CreditsCharged, res.Requests = int64(charged), int(requests)
	return res
}
