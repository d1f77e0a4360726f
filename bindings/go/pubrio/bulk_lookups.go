package pubrio

/*
#include <pubrio/pubrio.h>
#include <stdlib.h>
*/
import "C"

// BulkLookup says which lookup entry (Bulk.AddLookups) an event answers,
// and what became of it.
type BulkLookup struct {
	Index int         // the entry's index in LookupRequest.Entries
	Entry LookupEntry // the entry itself
	// Outcome: LookupFound on an EventPerson (or on an EventBatchFailed
	// when the person was found and not bought); LookupNotFound or
	// LookupNotLookedUp (a name only while similarity is off: see Reason)
	// on an EventNotFound; LookupFailed (its lookup failed, Status says
	// how) or LookupNotSent (the run stopped before its request left,
	// nothing spent) on an EventBatchFailed.
	Outcome    LookupOutcome
	Confidence LookupConfidence // LookupFound: how the match was made
	Reason     string           // not found, not looked up or failed: why, when the library says
}

// AddLookups adds contact lookup entries to the run, before the first
// Next, beside its ids and LinkedIn URLs: the same LookupRequest
// Client.Lookup takes (its Similarity, BatchSize and ProfileID apply; a
// run takes one request, all or nothing: a bad entry is an *Error with
// ErrInvalidArgument naming it, and nothing is added). Entries are
// de-duplicated by their identifiers. Before LinkedIn URLs and batches,
// they are looked up (SPENDS CREDITS: 1 per billable match, counted at
// worst against BulkOptions.MaxCredits until answered), one request at a
// time under the run's rate budget and deadline, each sent once; each
// person found is bought for the run's types once, even when two entries
// or an id name them (the later ones are FromStore). With a journal, each
// entry's resolution is kept: a rerun asks no lookup again.
//
// Every entry gets one event whose Lookup names it: an EventPerson, an
// EventNotFound (a miss, or an entry needing similarity while it is off),
// or an EventBatchFailed.
func (b *Bulk) AddLookups(req LookupRequest) error {
	if err := req.check(); err != nil {
		return err
	}
	r := b.r
	r.client.mu.Lock()
	defer r.client.mu.Unlock()
	if r.ptr == nil {
		return ErrClosed
	}
	var cerr C.pubrio_error
	request, status := req.toC(&cerr)
	if status != C.PUBRIO_OK {
		return errorFromC(status, &cerr)
	}
	defer C.pubrio_lookup_request_free(request)
	if status = C.pubrio_bulk_add_lookups(r.ptr, request, &cerr); status != C.PUBRIO_OK {
		return errorFromC(status, &cerr)
	}
	r.lookups = append([]LookupEntry(nil), req.Entries...)
	return nil
}

// lookupOf is the lookup entry an event answers, nil when it answers none.
func lookupOf(ev *C.pubrio_bulk_event, entries []LookupEntry) *BulkLookup {
	if ev.lookup_entry == 0 {
		return nil
	}
	l := &BulkLookup{Index: int(ev.lookup_entry - 1), Reason: goString(ev.message)}
	if l.Index < len(entries) {
		l.Entry = entries[l.Index]
	}
	if ev.lookup_confidence != nil {
		l.Confidence = confidenceOf(C.GoString(ev.lookup_confidence))
	}
	switch {
	case ev.kind == C.PUBRIO_BULK_PERSON || ev.lookup_confidence != nil:
		l.Outcome = LookupFound
	case ev.kind == C.PUBRIO_BULK_NOT_FOUND && ev.message != nil:
		l.Outcome = LookupNotLookedUp
	case ev.kind == C.PUBRIO_BULK_NOT_FOUND:
		l.Outcome = LookupNotFound
	case ev.status == C.PUBRIO_E_CANCELLED:
		l.Outcome = LookupNotSent
	default:
		l.Outcome = LookupFailed
	}
	return l
}

// confidenceOf reads the API's word back into a LookupConfidence.
func confidenceOf(text string) LookupConfidence {
	for _, c := range []LookupConfidence{ConfidenceExact, ConfidenceSimilarityDomain, ConfidenceSimilarityCompany} {
		if c.String() == text {
			return c
		}
	}
	if text == "" {
		return ConfidenceNone
	}
	return ConfidenceOther
}
