package pubrio

/*
#include <pubrio/pubrio.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unsafe"
)

// Request is one batch to submit: people by people_search_id (canonical
// UUIDs, duplicates dropped) and the contact types to unlock.
type Request struct {
	People    []string
	Types     ContactType
	ProfileID *int64 // sent only when set
}

// Job is a batch's state as answered by a submit or a query.
type Job struct {
	RedeemQueryID     string
	IsCompleted       bool
	EstimatedTime     int64         // raw value, -1 when absent
	EstimatedTimeType string        // raw unit ("second"...), "" when absent
	Estimate          time.Duration // normalised; -1 when absent
}

// Contact is one email or phone of a person.
type Contact struct {
	Value   string
	Type    ContactType // 0 for a type this version does not know
	TypeRaw string      // the type as sent
	Status  string      // e.g. "Verified"; "" when absent
}

// String is the value, so that a list of contacts prints as the addresses
// and numbers.
func (c Contact) String() string { return c.Value }

// Person is one redeemed person.
type Person struct {
	ID     string // people_search_id
	Emails []Contact
	Phones []Contact
}

// Result is the answer of a query: the batch's state, the account's credits
// as answered, and the people collected so far.
type Result struct {
	Query                 Job
	Credit                int64
	HasCredit             bool
	TopupCredit           int64
	HasTopupCredit        bool
	TotalChargedCredit    int64
	HasTotalChargedCredit bool
	People                []Person
}

// WaitOptions says how to wait for a batch; the zero value (or nil) means
// the library's defaults: a 10-minute deadline, delays growing from 1 s to
// 30 s, the first poll after the batch's estimate.
type WaitOptions struct {
	Timeout  time.Duration // the deadline of the whole wait
	MinDelay time.Duration // the shortest delay between polls
	MaxDelay time.Duration // the longest delay between polls
	// FirstDelay before the first poll: 0 means the batch's estimate,
	// PollAtOnce means no delay.
	FirstDelay time.Duration
}

// PollAtOnce as WaitOptions.FirstDelay polls without waiting first.
const PollAtOnce time.Duration = -1

// Submit sends one batch to POST /redeem/people/batch. This SPENDS CREDITS,
// once: the call is never repeated unless the server provably did not
// process it. A bad id or no contact type fails with ErrInvalidArgument
// before anything is sent. On failure, Error.SubmitState says whether
// credits may have been spent.
func (c *Client) Submit(ctx context.Context, req Request) (*Job, error) {
	var job *Job
	err := c.withRequest(ctx, req, func(p *C.pubrio_client, r *C.pubrio_batch_request, e *C.pubrio_error) C.pubrio_status {
		var out *C.pubrio_batch_job
		status := C.pubrio_redeem_people_batch(p, r, &out, e)
		if out != nil {
			job = jobFromC(out)
			C.pubrio_batch_job_free(out)
		}
		return status
	})
	return job, err
}

// Query asks once for a batch's state (read-only, free, retried on
// transient failures).
func (c *Client) Query(ctx context.Context, redeemQueryID string) (*Result, error) {
	if err := checkNUL("the redeem_query_id", redeemQueryID); err != nil {
		return nil, err
	}
	id := C.CString(redeemQueryID)
	defer C.free(unsafe.Pointer(id))
	var result *Result
	err := c.do(ctx, false, func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		var out *C.pubrio_query_result
		status := C.pubrio_redeem_people_batch_query(p, id, &out, e)
		result = takeResult(out)
		return status
	})
	return result, err
}

// Wait polls a batch until it is complete, within opts' deadline. On
// ErrWaitTimeout and ErrCancelled (a done context) it returns the last
// state seen, if any, with the error.
func (c *Client) Wait(ctx context.Context, redeemQueryID string, opts *WaitOptions) (*Result, error) {
	if err := checkNUL("the redeem_query_id", redeemQueryID); err != nil {
		return nil, err
	}
	id := C.CString(redeemQueryID)
	defer C.free(unsafe.Pointer(id))
	var result *Result
	err := c.do(ctx, false, func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		wait, status := opts.toC(e)
		if status != C.PUBRIO_OK {
			return status
		}
		defer C.pubrio_wait_options_free(wait)
		var out *C.pubrio_query_result
		status = C.pubrio_redeem_people_batch_wait(p, id, wait, &out, e)
		result = takeResult(out)
		return status
	})
	return result, err
}

// SubmitAndWait submits a batch (spending credits once) and waits for its
// contacts. When the wait fails after the submit was accepted, the error's
// SubmitState is SubmitAccepted and its RedeemQueryID names the paid batch:
// resume with Wait, never submit again.
func (c *Client) SubmitAndWait(ctx context.Context, req Request, opts *WaitOptions) (*Result, error) {
	var result *Result
	err := c.withRequest(ctx, req, func(p *C.pubrio_client, r *C.pubrio_batch_request, e *C.pubrio_error) C.pubrio_status {
		wait, status := opts.toC(e)
		if status != C.PUBRIO_OK {
			return status
		}
		defer C.pubrio_wait_options_free(wait)
		var out *C.pubrio_query_result
		status = C.pubrio_redeem_people_batch_and_wait(p, r, wait, &out, e)
		result = takeResult(out)
		return status
	})
	return result, err
}

// PersonRequest names one person for RedeemPerson: by PeopleSearchID or by
// LinkedInURL (exactly one of them).
type PersonRequest struct {
	PeopleSearchID string
	LinkedInURL    string // http(s), on linkedin.com or a subdomain, /in/SLUG
	Types          ContactType
	ProfileID      *int64 // sent only when set
}

// RedeemPerson redeems one person, synchronously (POST /redeem/people).
// This SPENDS CREDITS, once, under Submit's rules: never repeated unless the
// server provably did not process it, and Error.SubmitState says whether
// credits may have been spent. Bad input (neither or both of the id and
// the URL, a bad id or URL, no contact type) fails with ErrInvalidArgument
// before anything is sent. The Result reads like a batch's: its People
// (the id the API resolved a URL to; none when it names nobody), Query
// complete, the credits charged.
func (c *Client) RedeemPerson(ctx context.Context, req PersonRequest) (*Result, error) {
	if err := checkNUL("the people_search_id", req.PeopleSearchID); err != nil {
		return nil, err
	}
	if err := checkNUL("the LinkedIn URL", req.LinkedInURL); err != nil {
		return nil, err
	}
	id := cStringOrNil(req.PeopleSearchID)
	defer C.free(unsafe.Pointer(id))
	url := cStringOrNil(req.LinkedInURL)
	defer C.free(unsafe.Pointer(url))
	profile := C.int64_t(-1)
	if req.ProfileID != nil {
		profile = C.int64_t(*req.ProfileID)
	}
	var result *Result
	err := c.do(ctx, true, func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		var out *C.pubrio_query_result
		status := C.pubrio_redeem_person(p, id, url, C.uint(req.Types), profile, &out, e)
		result = takeResult(out)
		return status
	})
	return result, err
}

// Redeem is the shortest way to redeem one batch and wait: a client from
// the environment (PUBRIO_API_KEY, PUBRIO_BASE_URL), SubmitAndWait with the
// default wait, then Close.
func Redeem(ctx context.Context, types ContactType, people ...string) (*Result, error) {
	client, err := NewClient()
	if err != nil {
		return nil, err
	}
	defer client.Close()
	return client.SubmitAndWait(ctx, Request{People: people, Types: types}, nil)
}

// withRequest builds the C request (validating every id and type, so bad
// input fails before anything is sent) and runs call with it as a submit.
func (c *Client) withRequest(ctx context.Context, req Request,
	call func(*C.pubrio_client, *C.pubrio_batch_request, *C.pubrio_error) C.pubrio_status) error {
	ids, err := cStrings(req.People)
	if err != nil {
		return err
	}
	defer ids.free()
	return c.do(ctx, true, func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		var r *C.pubrio_batch_request
		status := C.pubrio_batch_request_new(&r, e)
		if status != C.PUBRIO_OK {
			return status
		}
		defer C.pubrio_batch_request_free(r)
		if status = C.pubrio_batch_request_add_people(r, ids.ptr(), ids.len(), e); status != C.PUBRIO_OK {
			return status
		}
		if status = C.pubrio_batch_request_add_contact_types(r, C.uint(req.Types), e); status != C.PUBRIO_OK {
			return status
		}
		if req.ProfileID != nil {
			if status = C.pubrio_batch_request_set_profile_id(r, C.int64_t(*req.ProfileID), e); status != C.PUBRIO_OK {
				return status
			}
		}
		return call(p, r, e)
	})
}

// toC makes the C wait options; the caller frees them.
func (o *WaitOptions) toC(e *C.pubrio_error) (*C.pubrio_wait_options, C.pubrio_status) {
	var w *C.pubrio_wait_options
	status := C.pubrio_wait_options_new(&w, e)
	if status != C.PUBRIO_OK || o == nil {
		return w, status
	}
	if o.Timeout != 0 {
		status = C.pubrio_wait_options_set_timeout(w, ms(o.Timeout), e)
	}
	if status == C.PUBRIO_OK && (o.MinDelay != 0 || o.MaxDelay != 0) {
		lo, hi := o.MinDelay, o.MaxDelay
		if lo == 0 {
			lo = time.Second // the library's defaults, for the one not given
		}
		if hi == 0 {
			hi = 30 * time.Second
		}
		status = C.pubrio_wait_options_set_delays(w, ms(lo), ms(hi), e)
	}
	if status == C.PUBRIO_OK && o.FirstDelay != 0 {
		first := ms(o.FirstDelay)
		if o.FirstDelay == PollAtOnce {
			first = 0
		}
		status = C.pubrio_wait_options_set_first_delay(w, first, e)
	}
	if status != C.PUBRIO_OK {
		C.pubrio_wait_options_free(w)
		return nil, status
	}
	return w, status
}

func jobFromC(j *C.pubrio_batch_job) *Job {
	job := &Job{
		RedeemQueryID:     goString(j.redeem_query_id),
		IsCompleted:       j.is_completed != 0,
		EstimatedTime:     int64(j.estimated_time),
		EstimatedTimeType: goString(j.estimated_time_type),
		Estimate:          -1,
	}
	if j.estimated_time_ms >= 0 {
		job.Estimate = time.Duration(j.estimated_time_ms) * time.Millisecond
	}
	return job
}

// takeResult copies a C result into Go and frees it; nil stays nil.
func takeResult(r *C.pubrio_query_result) *Result {
	if r == nil {
		return nil
	}
	defer C.pubrio_query_result_free(r)
	res := &Result{
		Query:                 *jobFromC(r.query),
		Credit:                int64(r.credit),
		HasCredit:             r.has_credit != 0,
		TopupCredit:           int64(r.topup_credit),
		HasTopupCredit:        r.has_topup_credit != 0,
		TotalChargedCredit:    int64(r.total_charged_credit),
		HasTotalChargedCredit: r.has_total_charged_credit != 0,
		People:                make([]Person, 0, int(r.people_count)),
	}
	for i := C.size_t(0); i < r.people_count; i++ {
		res.People = append(res.People, personFromC(C.pubrio_query_result_person(r, i)))
	}
	return res
}

func personFromC(p *C.pubrio_person) Person {
	person := Person{ID: goString(p.people_search_id),
		Emails: make([]Contact, 0, int(p.email_count)),
		Phones: make([]Contact, 0, int(p.phone_count))}
	for i := C.size_t(0); i < p.email_count; i++ {
		person.Emails = append(person.Emails, contactFromC(C.pubrio_person_email(p, i)))
	}
	for i := C.size_t(0); i < p.phone_count; i++ {
		person.Phones = append(person.Phones, contactFromC(C.pubrio_person_phone(p, i)))
	}
	return person
}

func contactFromC(c *C.pubrio_contact) Contact {
	return Contact{Value: goString(c.value), Type: ContactType(c._type),
		TypeRaw: goString(c.type_raw), Status: goString(c.status)}
}

// cStringArray is a C array of C strings, for the calls taking
// `const char *const *`.
type cStringArray struct {
	array **C.char
	n     int
}

func cStrings(ss []string) (cStringArray, error) {
	return cStringsOf("people_search_id", ss)
}

// cStringsOf is cStrings for items called what in a NUL's error.
func cStringsOf(what string, ss []string) (cStringArray, error) {
	if len(ss) == 0 {
		return cStringArray{}, nil
	}
	for i, s := range ss {
		if strings.IndexByte(s, 0) >= 0 {
			return cStringArray{}, checkNUL(fmt.Sprintf("%s %s at index %d", what, quote(s), i), s)
		}
	}
	size := C.size_t(len(ss)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))
	array := (**C.char)(C.malloc(size))
	items := unsafe.Slice(array, len(ss))
	for i, s := range ss {
		items[i] = C.CString(s)
	}
	return cStringArray{array: array, n: len(ss)}, nil
}

func (a cStringArray) ptr() **C.char { return a.array }
func (a cStringArray) len() C.size_t { return C.size_t(a.n) }

func (a cStringArray) free() {
	if a.array == nil {
		return
	}
	for _, s := range unsafe.Slice(a.array, a.n) {
		C.free(unsafe.Pointer(s))
	}
	C.free(unsafe.Pointer(a.array))
}
