package pubrio

/*
#include <pubrio/pubrio.h>
#include <stdlib.h>
*/
import "C"

import (
	"context"
	"errors"
	"log"
	"math"
	"runtime"
	"time"
	"unsafe"
)

// BulkOptions says how a bulk run goes; the zero value (or nil) means the
// library's defaults: batches of 100, 8 requests in flight, 300 requests a
// minute, the default wait (a 10-minute deadline for the whole run), no
// journal, no credit budget, collect the contacts.
type BulkOptions struct {
	BatchSize   int          // people per batch, 1..100
	MaxInFlight int          // requests in flight at once, 1..64
	RateLimit   int          // request starts in any 60 seconds
	Wait        *WaitOptions // how to wait for each batch; its Timeout is the run's deadline
	SubmitOnly  bool         // submit only: collect later with Client.Wait
	// Journal is a file recording the run, so that a rerun on it collects
	// what was paid for and submits nobody twice ("" for none).
	Journal string
	// ResubmitUncertain sends again, on a rerun, the people whose submit got
	// no answer: they may be charged twice.
	ResubmitUncertain bool
	MaxCredits        *int64 // a credit budget, never exceeded; nil for none
	ProfileID         *int64 // sent with every request when set
	// CloseTimeout bounds how long Close waits for the submits in flight
	// (past it they are cut, and their people named uncertain); 0 waits
	// each request's own timeout.
	CloseTimeout time.Duration
	// Refresh buys again what the journal already holds: people whose
	// asked types an earlier run bought are submitted again, and lookup
	// entries it answered are looked up again (SPENDS CREDITS). By
	// default they are handed out from the journal, at no cost.
	Refresh bool
}

// Int64 returns a pointer to v, for BulkOptions.MaxCredits and the
// ProfileID fields.
func Int64(v int64) *int64 { return &v }

// BulkEventKind says what a bulk event is about.
type BulkEventKind int

const (
	// EventBatchAccepted: a batch was submitted and accepted (credits spent):
	// Batch, RedeemQueryID, Job, PeopleCount and People are set.
	EventBatchAccepted BulkEventKind = C.PUBRIO_BULK_BATCH_ACCEPTED
	// EventPerson: a person's contacts, in Person, with Batch and
	// RedeemQueryID.
	EventPerson BulkEventKind = C.PUBRIO_BULK_PERSON
	// EventBatchDone: a batch was collected.
	EventBatchDone BulkEventKind = C.PUBRIO_BULK_BATCH_DONE
	// EventStrangers is never sent any more: an answer naming people its
	// batch does not hold is an EventBatchFailed.
	//
	// Deprecated: retired by the C library; kept so code naming it builds.
	EventStrangers BulkEventKind = C.PUBRIO_BULK_STRANGERS
	// EventBatchFailed: a batch (or a LinkedIn URL's single redeem, with
	// LinkedInURL set) failed and the run goes on without it: Status and
	// Message say why; People names an uncertain submit's people (maybe
	// charged, never resent). The run ends with that status.
	EventBatchFailed BulkEventKind = C.PUBRIO_BULK_BATCH_FAILED
	// EventNotFound: the LinkedIn URL in LinkedInURL names nobody Pubrio
	// knows (no credit), or the lookup entry in Lookup found nobody or was
	// not looked up (Lookup.Outcome and Message say which).
	EventNotFound BulkEventKind = C.PUBRIO_BULK_NOT_FOUND
	// EventResolved: only among what Close kept (Drained): a lookup entry
	// resolved (paid) to a person the run did not hand out; Person names
	// the people_search_id (no contacts), Lookup the entry (its Index,
	// Entry and Confidence; Outcome LookupFound). Buy the person by id;
	// never look the entry up again to find them.
	EventResolved BulkEventKind = C.PUBRIO_BULK_RESOLVED
)

// BulkEvent is one event of a bulk run, copied into Go memory.
type BulkEvent struct {
	Kind          BulkEventKind
	Batch         int    // the batch's number, from 1
	RedeemQueryID string // the batch's id
	Job           *Job   // EventBatchAccepted: the submit's answer
	Person        *Person
	PeopleCount   int      // people in the batch, or strangers
	People        []string // EventBatchAccepted: the batch's ids
	// FromStore (EventPerson): every asked type was bought by an earlier run
	// on the journal, or in this one by a LinkedIn URL naming the same
	// person; no request, no credit.
	FromStore bool
	// LinkedInURL (EventPerson, EventNotFound, EventBatchFailed): the
	// LinkedIn URL, normalized, the person was asked by; else "".
	LinkedInURL string
	Status      Status // EventBatchFailed: why
	Message     string // EventBatchFailed, and an EventNotFound of a lookup entry not looked up: a sentence
	// Lookup (EventPerson, EventNotFound, EventBatchFailed): the lookup
	// entry (Bulk.AddLookups) the event answers, its confidence and
	// outcome; nil for an id's or a LinkedIn URL's event.
	Lookup *BulkLookup
}

// BulkStats are the counts of a bulk run.
type BulkStats struct {
	People                 int // distinct people added
	Duplicates             int // ids added more than once
	PeopleJournaled        int // already submitted by an earlier run
	PeopleUncertain        int // an earlier submit got no answer: not sent again
	PeopleToSubmit         int // people this run submits in all
	PeopleSubmitted        int // ...of which accepted so far
	PeopleCollected        int // people handed out
	Batches                int // batches to submit plus journaled ones to collect
	BatchesAccepted        int
	BatchesCollected       int
	InFlight               int
	Requests               int64         // requests sent by this run
	PlannedRequests        int64         // the fewest the run needs
	MinDuration            time.Duration // the shortest the rate budget allows
	NextRequestIn          time.Duration // until the rate budget lets the next request start
	CreditsCharged         int64
	HasCredit              bool
	Credit                 int64 // credit left, as last answered
	JournalTornLineDropped bool
	PeopleKnown            int   // every asked type bought by an earlier run: handed out from the journal
	BatchesFailed          int   // batches that failed while the run went on
	PeopleLeftUncertain    int   // submits without a conclusive answer, not sent again: maybe charged
	CreditsWorstCase       int64 // the most the people to submit can cost, at the prices
	CreditsBefore          int64 // credits earlier runs on the journal were charged
	CreditsCommitted       int64 // what the credit budget holds against
	PriceEmail             int64 // credits an email contact, as counted
	PricePhone             int64 // credits a phone contact, as counted
	PricesKnown            bool  // false: no price given or read, 1 a contact counted
	HasBalance             bool  // the balance was read from the account
	Balance                int64 // credit + topup_credit, as read then
	LinkedInURLs           int   // distinct LinkedIn URLs added (also counted in People)
	LinkedInURLsToRedeem   int   // ...of which this run redeems and has not had answered yet
	LinkedInURLsRedeemed   int   // ...answered by this run
	LinkedInURLsNotFound   int   // ...naming nobody (this run or an earlier one)
	BatchesUncollected     int   // batches accepted (paid) and not collected now: Uncollected
	PeopleUncollected      int   // ...the people they hold
	PeopleKept             int   // collected and not handed out when Close ran: Drained
	PeopleForgotten        int   // held as forgotten by the journal (pubrio forget): not bought
	Lookups                int   // distinct lookup entries added (a repeated one is in Duplicates)
	LookupsToSend          int   // ...of which this run sends and has not had answered yet (1 credit each at worst)
	LookupsFound           int   // ...resolved to a person (this run or the journal)
	LookupsNotFound        int   // ...resolved to nobody (this run or the journal)
	LookupsUncertain       int   // ...asked without an answer (this run or an earlier one): maybe charged, never resent
	LookupCredits          int64 // credits this run's lookups were charged (also in CreditsCharged)
}

// WorstCaseCredits is the most the run can cost, in credits: every person
// to buy with every asked type found (CreditsWorstCase, at the prices,
// counting a person for each lookup entry to send), plus 1 credit for each
// lookup entry to send (LookupsToSend), as `pubrio redeem --dry-run` counts
// it. Before the first Next it is the dry run's figure.
func (s BulkStats) WorstCaseCredits() int64 {
	lookups := int64(s.LookupsToSend)
	if s.CreditsWorstCase > math.MaxInt64-lookups {
		return math.MaxInt64
	}
	return s.CreditsWorstCase + lookups
}

// UncollectedBatch is a batch accepted (paid for) and not collected when a
// run stopped early: collect it with Client.Wait (or `pubrio query ID
// --wait`), never submit its people again.
type UncollectedBatch struct {
	RedeemQueryID string
	People        int
}

// ErrLeftover is what Bulk.Close's error matches (errors.Is) when the run
// leaves something paid and not delivered: a *LeftoverError says what.
var ErrLeftover = errors.New("pubrio: a bulk run left people paid for and not delivered")

// LeftoverError is Bulk.Close's error when the run was left with something
// paid and not delivered: batches accepted and not collected, people
// submitted without a conclusive answer (maybe charged, never resent), and
// the people the close collected and kept for Bulk.Drained.
type LeftoverError struct {
	Message     string             // one sentence naming all of it
	Uncollected []UncollectedBatch // collect each with Client.Wait
	Uncertain   []string           // people_search_ids (or LinkedIn URLs) maybe charged
	Drained     int                // events kept: Bulk.Drained hands them back
	// Resolved counts, of Drained, the lookup entries resolved (paid) to
	// people not handed out (EventResolved).
	Resolved int
}

func (e *LeftoverError) Error() string { return "pubrio: " + e.Message }

// Is makes errors.Is(err, pubrio.ErrLeftover) true.
func (e *LeftoverError) Is(target error) bool { return target == ErrLeftover }

// Bulk is a bulk run: any number of people cut into batches, submitted and
// collected with several requests in flight within a rate budget. Iterate
// it like sql.Rows:
//
//	run, err := client.StartBulk(ctx, pubrio.Phone, ids, nil)
//	if err != nil { ... }
//	defer run.Close()
//	for run.Next() {
//		if ev := run.Event(); ev.Kind == pubrio.EventPerson { ... }
//	}
//	if err := run.Err(); err != nil { ... }
//
// However the loop is left (the end, a break, a return, a panic, the
// client's Close, the context done), Close keeps the promise: nothing new
// starts, the submits in flight finish (a poll is cut: it spends nothing),
// the people collected and not handed out are kept in Drained, and what is
// paid and not delivered is named by Uncollected and Uncertain and by
// Close's error (errors.Is(err, ErrLeftover)). A run nobody closes is
// closed by a finalizer when it is garbage collected, its leftovers logged.
//
// The context given to StartBulk governs the whole run: when it is done, the
// run stops within milliseconds as a first stop (the submits in flight
// finish, polls are cut; Err matches context.Canceled and ErrCancelled),
// and the client's calls stop too until the run ends. That is how Ctrl-C
// stops a run without losing what it paid for:
//
//	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
//	defer stop()
//	run, err := client.StartBulk(ctx, pubrio.Phone, ids, nil)
//	// ... the loop; then run.Close() hands back and names what is left
type Bulk struct {
	r *bulkRun // the state, which the client also holds: a Bulk can be collected
}

// bulkRun is a run's state; its fields are guarded by the client's lock.
type bulkRun struct {
	client       *Client
	ptr          *C.pubrio_bulk
	ctx          context.Context
	stopWatch    func()
	closeTimeout time.Duration
	submitOnly   bool
	event        BulkEvent
	err          error
	ended        bool
	closed       bool
	closeErr     error
	// kept after Close
	stats       BulkStats
	uncollected []UncollectedBatch
	uncertain   []string
	drained     []BulkEvent
	lookups     []LookupEntry // Bulk.AddLookups' entries, named by the events
}

// StartBulk creates a bulk run for the contact types and people (each id is
// validated and de-duplicated; a bad one fails with ErrInvalidArgument, its
// index named, before anything is sent). Nothing is sent before Next.
func (c *Client) StartBulk(ctx context.Context, types ContactType, people []string, opts *BulkOptions) (*Bulk, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	ids, err := cStrings(people)
	if err != nil {
		return nil, err
	}
	defer ids.free()
	var journal *C.char
	if opts != nil && opts.Journal != "" {
		if err := checkNUL("the journal path", opts.Journal); err != nil {
			return nil, err
		}
		journal = C.CString(opts.Journal)
		defer C.free(unsafe.Pointer(journal))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ptr == nil {
		return nil, ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return nil, doneBefore(err, false)
	}
	var cerr C.pubrio_error
	options, status := opts.toC(journal, &cerr)
	if status != C.PUBRIO_OK {
		return nil, errorFromC(status, &cerr)
	}
	var ptr *C.pubrio_bulk
	status = C.pubrio_bulk_new(&ptr, c.ptr, C.uint(types), options, &cerr)
	C.pubrio_bulk_options_free(options)
	if status == C.PUBRIO_OK && ids.len() > 0 {
		status = C.pubrio_bulk_add_people(ptr, ids.ptr(), ids.len(), &cerr)
	}
	if status != C.PUBRIO_OK {
		C.pubrio_bulk_free(ptr)
		return nil, errorFromC(status, &cerr)
	}
	r := &bulkRun{client: c, ptr: ptr, ctx: ctx, stopWatch: cancelOnDone(ctx, c.ptr)}
	if opts != nil {
		r.closeTimeout, r.submitOnly = opts.CloseTimeout, opts.SubmitOnly
	}
	c.bulks[r] = struct{}{}
	b := &Bulk{r: r}
	// A run dropped without Close: close it anyway (in a goroutine of its
	// own, since the drain may wait for submits), its leftovers logged.
	runtime.SetFinalizer(b, func(b *Bulk) { go b.r.finalize() })
	return b, nil
}

// AddLinkedInURLs adds people by LinkedIn profile URL, before the first
// Next. Each URL is normalized and de-duplicated; all or nothing (a URL
// that is not a LinkedIn profile fails with ErrInvalidArgument naming its
// index, and none is added). Each is redeemed alone (POST /redeem/people:
// spends credits, sent once, within the run's rate and credit budgets)
// before any batch: its person is an EventPerson with LinkedInURL set, or
// an EventNotFound. An id of the run naming the same person is handed out
// from what the URL bought (FromStore), not bought again.
func (b *Bulk) AddLinkedInURLs(urls []string) error {
	list, err := cStringsOf("LinkedIn URL", urls)
	if err != nil {
		return err
	}
	defer list.free()
	r := b.r
	r.client.mu.Lock()
	defer r.client.mu.Unlock()
	if r.ptr == nil {
		return ErrClosed
	}
	if len(urls) == 0 {
		return nil
	}
	var cerr C.pubrio_error
	if status := C.pubrio_bulk_add_linkedin_urls(r.ptr, list.ptr(), list.len(), &cerr); status != C.PUBRIO_OK {
		return errorFromC(status, &cerr)
	}
	return nil
}

// Next moves to the next event, waiting for it; false when the run has
// ended: finished (Err is nil) or stopped by a failure (Err says which, and
// Uncollected names the batches paid for and not collected).
func (b *Bulk) Next() bool {
	r := b.r
	c := r.client
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.ended {
		return false
	}
	if r.ptr == nil {
		r.err, r.ended = ErrClosed, true
		return false
	}
	if r.ctx.Err() != nil {
		// A done context is one stop, whoever sees it first. The watcher's
		// cancel may still be pending (a second one would count as a second
		// stop and cut the submits in flight) or may have been taken by a
		// call made between two events: withdraw it, then stop.
		r.stopWatching()
		C.pubrio_bulk_stop(r.ptr)
	}
	for {
		var ev C.pubrio_bulk_event
		var cerr C.pubrio_error
		// With the size compiled against, so the later fields (status,
		// message, from_store, linkedin_url) are filled.
		status := C.pubrio_bulk_next_event(r.ptr, -1, &ev, C.size_t(unsafe.Sizeof(ev)), &cerr)
		if status != C.PUBRIO_OK {
			e := errorFromC(status, &cerr)
			if e.Status == ErrCancelled {
				e.cause = r.ctx.Err()
			}
			r.err = e
			r.end()
			return false
		}
		switch ev.kind {
		case C.PUBRIO_BULK_FINISHED:
			r.end()
			return false
		case C.PUBRIO_BULK_BATCH_ACCEPTED, C.PUBRIO_BULK_PERSON,
			C.PUBRIO_BULK_BATCH_DONE, C.PUBRIO_BULK_STRANGERS,
			C.PUBRIO_BULK_BATCH_FAILED, C.PUBRIO_BULK_NOT_FOUND:
			r.event = eventFromC(&ev, r.lookups)
			return true
		}
		// PUBRIO_BULK_NONE, PROGRESS and kinds this version does not know.
	}
}

// Event is the event Next moved to.
func (b *Bulk) Event() BulkEvent { return b.r.event }

// Err is what stopped the run, nil when it finished (or is running).
func (b *Bulk) Err() error {
	b.r.client.mu.Lock()
	defer b.r.client.mu.Unlock()
	return b.r.err
}

// Stats are the run's counts; before the first Next, a dry run (people,
// batches, the lookup entries AddLookups added and their worst case
// (WorstCaseCredits), the fewest requests and the shortest time the rate
// budget allows; nothing sent). After Close, the counts as the close left them.
func (b *Bulk) Stats() BulkStats {
	r := b.r
	r.client.mu.Lock()
	defer r.client.mu.Unlock()
	if r.ptr != nil {
		r.stats = r.readStats()
	}
	return r.stats
}

// Uncollected are the batches accepted (paid for) and not collected, after
// a run stopped early or was closed: collect each with Client.Wait.
func (b *Bulk) Uncollected() []UncollectedBatch {
	r := b.r
	r.client.mu.Lock()
	defer r.client.mu.Unlock()
	if r.ptr != nil {
		r.uncollected = r.readUncollected()
	}
	return append([]UncollectedBatch(nil), r.uncollected...)
}

// Uncertain are the people (people_search_ids, or the LinkedIn URL of a
// single redeem) this run submitted without a conclusive answer: maybe
// charged, never sent again unless asked (BulkOptions.ResubmitUncertain on
// a rerun with the journal).
func (b *Bulk) Uncertain() []string {
	r := b.r
	r.client.mu.Lock()
	defer r.client.mu.Unlock()
	if r.ptr != nil {
		r.uncertain = r.readUncertain()
	}
	return append([]string(nil), r.uncertain...)
}

// Drained are the people Close collected and did not hand out through Next
// (EventPerson and EventNotFound events, in the order Next would have
// given them), then an EventResolved for each lookup entry resolved (paid)
// to a person not handed out, in entry order: paid for, handed back here.
// Empty before Close.
func (b *Bulk) Drained() []BulkEvent {
	r := b.r
	r.client.mu.Lock()
	defer r.client.mu.Unlock()
	return append([]BulkEvent(nil), r.drained...)
}

// Close leaves the run, however the loop was left: nothing new starts, the
// submits in flight finish (within BulkOptions.CloseTimeout, if set), polls
// in flight are cut, and the people collected and not handed out are kept
// for Drained. Then the run is freed and its journal released; Stats,
// Uncollected, Uncertain and Drained still answer. The error is a
// *LeftoverError (errors.Is(err, ErrLeftover)) when the run leaves
// something paid and not delivered through Next, nil otherwise; calling
// Close again returns the same.
func (b *Bulk) Close() error {
	r := b.r
	r.client.mu.Lock()
	defer r.client.mu.Unlock()
	runtime.SetFinalizer(b, nil)
	return r.closeLocked()
}

// finalize closes a run nobody closed; its leftovers go to the log.
func (r *bulkRun) finalize() {
	r.client.mu.Lock()
	defer r.client.mu.Unlock()
	if r.closed {
		return
	}
	if err := r.closeLocked(); err != nil && r.client.logger == nil {
		log.Print("a pubrio bulk run was garbage collected without Close: ", err)
	}
}

// end stops watching the context, so the client's calls run again.
func (r *bulkRun) end() {
	r.ended = true
	r.stopWatching()
}

func (r *bulkRun) stopWatching() {
	if r.stopWatch != nil {
		r.stopWatch()
		r.stopWatch = nil
	}
}

// closeLocked is Close with the client's lock held: pubrio_bulk_close() once,
// what it kept and named copied into Go, then pubrio_bulk_free().
func (r *bulkRun) closeLocked() error {
	if r.closed {
		return r.closeErr
	}
	r.closed = true
	if r.ptr == nil {
		return nil
	}
	// The watcher's cancel (a done context) has stopped the run already, or
	// it has not: either way the close drains with the client running, so
	// the submits in flight get their answers.
	r.stopWatching()
	timeout := C.int64_t(-1)
	if r.closeTimeout > 0 {
		timeout = ms(r.closeTimeout)
	}
	var cerr C.pubrio_error
	status := C.pubrio_bulk_close(r.ptr, timeout, &cerr)
	if !r.ended && r.err == nil {
		r.err = ErrClosed // left before its end: Next says so from now on
	}
	C.pubrio_error_clear(&cerr)
	for i := C.size_t(0); ; i++ {
		ev := C.pubrio_bulk_drained(r.ptr, i)
		if ev == nil {
			break
		}
		r.drained = append(r.drained, eventFromC(ev, r.lookups))
	}
	r.stats = r.readStats()
	r.uncollected = r.readUncollected()
	r.uncertain = r.readUncertain()
	leftover := r.readLeftover()
	C.pubrio_bulk_free(r.ptr)
	r.ptr = nil
	r.ended = true
	delete(r.client.bulks, r)
	// A submit-only run that finished handed every batch out as an
	// EventBatchAccepted: its uncollected batches are what was asked for.
	delivered := status == C.PUBRIO_OK && r.submitOnly && len(r.drained) == 0 && len(r.uncertain) == 0
	if leftover == "" || delivered {
		return nil
	}
	resolved := 0
	for _, ev := range r.drained {
		if ev.Kind == EventResolved {
			resolved++
		}
	}
	r.closeErr = &LeftoverError{Message: leftover, Drained: len(r.drained), Resolved: resolved,
		Uncollected: append([]UncollectedBatch(nil), r.uncollected...),
		Uncertain:   append([]string(nil), r.uncertain...)}
	if r.client.logger != nil {
		r.client.logger.Warn(r.closeErr.Error(), "err", r.closeErr)
	}
	return r.closeErr
}

// readLeftover is the library's sentence naming what is paid and not
// delivered, with the Go calls that collect it; "" when nothing is.
func (r *bulkRun) readLeftover() string {
	n := C.pubrio_bulk_leftover(r.ptr, nil, 0)
	if n == 0 {
		return ""
	}
	buf := make([]byte, int(n)+1)
	C.pubrio_bulk_leftover(r.ptr, (*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)))
	return goNames(string(buf[:n])) + leftoverHint
}

// leftoverHint says, in Go, what to do about a leftover.
const leftoverHint = " (Bulk.Drained hands back the people kept and the lookup entries resolved; collect each of Bulk.Uncollected with Client.Wait; " +
	"Bulk.Uncertain may have been charged: never submit them again blindly)"

func (r *bulkRun) readStats() BulkStats {
	// The Go struct comes from the header, so a field added at its end
	// changes nothing here: the size passed is the one compiled against.
	var s C.pubrio_bulk_stats
	C.pubrio_bulk_stats_get(r.ptr, &s, C.size_t(unsafe.Sizeof(s)))
	return BulkStats{
		People:                 int(s.people),
		Duplicates:             int(s.duplicates),
		PeopleJournaled:        int(s.people_journaled),
		PeopleUncertain:        int(s.people_uncertain),
		PeopleToSubmit:         int(s.people_to_submit),
		PeopleSubmitted:        int(s.people_submitted),
		PeopleCollected:        int(s.people_collected),
		Batches:                int(s.batches),
		BatchesAccepted:        int(s.batches_accepted),
		BatchesCollected:       int(s.batches_collected),
		InFlight:               int(s.in_flight),
		Requests:               int64(s.requests),
		PlannedRequests:        int64(s.planned_requests),
		MinDuration:            time.Duration(s.min_duration_ms) * time.Millisecond,
		NextRequestIn:          time.Duration(s.next_request_in_ms) * time.Millisecond,
		CreditsCharged:         int64(s.credits_charged),
		HasCredit:              s.has_credit != 0,
		Credit:                 int64(s.credit),
		JournalTornLineDropped: s.journal_torn_line_dropped != 0,
		PeopleKnown:            int(s.people_known),
		BatchesFailed:          int(s.batches_failed),
		PeopleLeftUncertain:    int(s.people_left_uncertain),
		CreditsWorstCase:       int64(s.credits_worst_case),
		CreditsBefore:          int64(s.credits_before),
		CreditsCommitted:       int64(s.credits_committed),
		PriceEmail:             int64(s.price_email),
		PricePhone:             int64(s.price_phone),
		PricesKnown:            s.prices_known != 0,
		HasBalance:             s.has_balance != 0,
		Balance:                int64(s.balance),
		LinkedInURLs:           int(s.linkedin_urls),
		LinkedInURLsToRedeem:   int(s.linkedin_urls_to_redeem),
		LinkedInURLsRedeemed:   int(s.linkedin_urls_redeemed),
		LinkedInURLsNotFound:   int(s.linkedin_urls_not_found),
		BatchesUncollected:     int(s.batches_uncollected),
		PeopleUncollected:      int(s.people_uncollected),
		PeopleKept:             int(s.people_kept),
		PeopleForgotten:        int(s.people_forgotten),
		Lookups:                int(s.lookups),
		LookupsToSend:          int(s.lookups_to_send),
		LookupsFound:           int(s.lookups_found),
		LookupsNotFound:        int(s.lookups_not_found),
		LookupsUncertain:       int(s.lookups_uncertain),
		LookupCredits:          int64(s.lookup_credits),
	}
}

func (r *bulkRun) readUncollected() []UncollectedBatch {
	var out []UncollectedBatch
	for i := C.size_t(0); ; i++ {
		var n C.size_t
		id := C.pubrio_bulk_uncollected(r.ptr, i, &n)
		if id == nil {
			return out
		}
		out = append(out, UncollectedBatch{RedeemQueryID: C.GoString(id), People: int(n)})
	}
}

func (r *bulkRun) readUncertain() []string {
	var out []string
	for i := C.size_t(0); ; i++ {
		id := C.pubrio_bulk_uncertain(r.ptr, i)
		if id == nil {
			return out
		}
		out = append(out, C.GoString(id))
	}
}

func eventFromC(ev *C.pubrio_bulk_event, lookups []LookupEntry) BulkEvent {
	out := BulkEvent{
		Kind:          BulkEventKind(ev.kind),
		Batch:         int(ev.batch),
		RedeemQueryID: goString(ev.redeem_query_id),
		PeopleCount:   int(ev.people_count),
		FromStore:     ev.from_store != 0,
		LinkedInURL:   goString(ev.linkedin_url),
		Lookup:        lookupOf(ev, lookups),
	}
	if ev.kind == C.PUBRIO_BULK_BATCH_FAILED {
		out.Status = Status(ev.status)
	}
	if ev.kind == C.PUBRIO_BULK_BATCH_FAILED || ev.kind == C.PUBRIO_BULK_NOT_FOUND {
		out.Message = goString(ev.message)
	}
	if ev.job != nil {
		out.Job = jobFromC(ev.job)
	}
	if ev.person != nil {
		p := personFromC(ev.person)
		out.Person = &p
	}
	if ev.people != nil {
		for _, id := range unsafe.Slice(ev.people, int(ev.people_count)) {
			out.People = append(out.People, C.GoString(id))
		}
	}
	return out
}

// toC makes the C options; the caller frees them.
func (o *BulkOptions) toC(journal *C.char, e *C.pubrio_error) (*C.pubrio_bulk_options, C.pubrio_status) {
	var opts *C.pubrio_bulk_options
	status := C.pubrio_bulk_options_new(&opts, e)
	if status != C.PUBRIO_OK || o == nil {
		return opts, status
	}
	steps := []func() C.pubrio_status{
		func() C.pubrio_status {
			if o.BatchSize == 0 {
				return C.PUBRIO_OK
			}
			return C.pubrio_bulk_options_set_batch_size(opts, C.int(o.BatchSize), e)
		},
		func() C.pubrio_status {
			if o.MaxInFlight == 0 {
				return C.PUBRIO_OK
			}
			return C.pubrio_bulk_options_set_max_in_flight(opts, C.int(o.MaxInFlight), e)
		},
		func() C.pubrio_status {
			if o.RateLimit == 0 {
				return C.PUBRIO_OK
			}
			return C.pubrio_bulk_options_set_rate_limit(opts, C.int(o.RateLimit), e)
		},
		func() C.pubrio_status {
			if o.Wait == nil {
				return C.PUBRIO_OK
			}
			wait, status := o.Wait.toC(e)
			if status != C.PUBRIO_OK {
				return status
			}
			defer C.pubrio_wait_options_free(wait)
			return C.pubrio_bulk_options_set_wait(opts, wait, e)
		},
		func() C.pubrio_status {
			return C.pubrio_bulk_options_set_submit_only(opts, cbool(o.SubmitOnly), e)
		},
		func() C.pubrio_status {
			if journal == nil {
				return C.PUBRIO_OK
			}
			return C.pubrio_bulk_options_set_journal(opts, journal, cbool(o.ResubmitUncertain), e)
		},
		func() C.pubrio_status {
			if o.MaxCredits == nil {
				return C.PUBRIO_OK
			}
			return C.pubrio_bulk_options_set_max_credits(opts, C.int64_t(*o.MaxCredits), e)
		},
		func() C.pubrio_status {
			if o.ProfileID == nil {
				return C.PUBRIO_OK
			}
			return C.pubrio_bulk_options_set_profile_id(opts, C.int64_t(*o.ProfileID), e)
		},
		func() C.pubrio_status {
			return C.pubrio_bulk_options_set_refresh(opts, cbool(o.Refresh), e)
		},
	}
	for _, step := range steps {
		if status = step(); status != C.PUBRIO_OK {
			C.pubrio_bulk_options_free(opts)
			return nil, status
		}
	}
	return opts, status
}
