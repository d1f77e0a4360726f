package pubrio_test

// Lookup entries in a bulk run (Bulk.AddLookups) over real HTTP to the
// fake server's directory (tests/fake_server/fake_lookup.c): each entry's
// event names it, a person named by two entries and an id is bought once,
// a miss and an entry needing similarity are answered without a purchase,
// a rerun on the journal asks no lookup again (Refresh asks again), a close
// names the entries resolved and not handed out, the dry run counts lookups.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"testing"

	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

// lookupEvents drains a run: the event of each lookup entry by its index
// (a second event for one entry fails the test), and the ids of the
// EventPerson events of ids.
func lookupEvents(t *testing.T, run *pubrio.Bulk) (map[int]pubrio.BulkEvent, []string) {
	t.Helper()
	byEntry := map[int]pubrio.BulkEvent{}
	var byID []string
	for run.Next() {
		ev := run.Event()
		if ev.Lookup == nil {
			if ev.Kind == pubrio.EventPerson {
				byID = append(byID, ev.Person.ID)
			}
			continue
		}
		if prev, twice := byEntry[ev.Lookup.Index]; twice {
			t.Fatalf("entry %d answered twice: %+v, then %+v", ev.Lookup.Index, prev, ev)
		}
		byEntry[ev.Lookup.Index] = ev
	}
	if err := run.Err(); err != nil {
		t.Fatal(err)
	}
	return byEntry, byID
}

func wantLookupPerson(t *testing.T, events map[int]pubrio.BulkEvent, entries []pubrio.LookupEntry, i int,
	id string, how pubrio.LookupConfidence, fromStore bool) {
	t.Helper()
	ev, ok := events[i]
	if !ok || ev.Kind != pubrio.EventPerson || ev.Person == nil || ev.Person.ID != id {
		t.Fatalf("entry %d: %+v; want %s", i, ev, id)
	}
	l := ev.Lookup
	if l.Outcome != pubrio.LookupFound || l.Confidence != how || l.Entry != entries[i] || ev.FromStore != fromStore {
		t.Fatalf("entry %d: %+v (from store %v); want found %v, from store %v", i, *l, ev.FromStore, how, fromStore)
	}
}

func TestBulkLookupsBuyEachPersonOnceAndARerunAsksNothing(t *testing.T) {
	f := startFake(t, "--estimated-time", "0")
	c := newClient(t, f)
	journal := t.TempDir() + "/run.journal"
	entries := []pubrio.LookupEntry{
		{Email: "king.lai@pubrio.com"},                           // 0 King
		{Phone: "+1 (555) 010-0002"},                             // 1 John, also an id of the run
		{Email: "missing.person@people.example"},                 // 2 a miss
		{Email: " KING.LAI@pubrio.com"},                          // 3 King again
		{FirstName: "Ann", LastName: "Lee", Company: "Acme Inc"}, // 4 needs similarity
		{Phone: "+15550100001"},                                  // 5 King's phone
	}
	before := f.stats().Credit
	run := func() (map[int]pubrio.BulkEvent, []string, pubrio.BulkStats) {
		t.Helper()
		run, err := c.StartBulk(context.Background(), pubrio.Phone, []string{johnID},
			&pubrio.BulkOptions{Wait: fast, Journal: journal})
		if err != nil {
			t.Fatal(err)
		}
		defer run.Close()
		if err := run.AddLookups(pubrio.LookupRequest{Entries: entries}); err != nil {
			t.Fatal(err)
		}
		events, byID := lookupEvents(t, run)
		return events, byID, run.Stats()
	}
	events, byID, stats := run()
	if len(events) != len(entries) {
		t.Fatalf("%d entries answered of %d: %+v", len(events), len(entries), events)
	}
	wantLookupPerson(t, events, entries, 0, kingID, pubrio.ConfidenceExact, false)
	wantLookupPerson(t, events, entries, 1, johnID, pubrio.ConfidenceExact, true) // the id's purchase
	wantLookupPerson(t, events, entries, 3, kingID, pubrio.ConfidenceExact, true)
	wantLookupPerson(t, events, entries, 5, kingID, pubrio.ConfidenceExact, true)
	if miss := events[2]; miss.Kind != pubrio.EventNotFound || miss.Lookup.Outcome != pubrio.LookupNotFound ||
		miss.Lookup.Entry != entries[2] || miss.Person != nil {
		t.Fatalf("the miss: %+v %+v", miss, miss.Lookup)
	}
	if ann := events[4]; ann.Kind != pubrio.EventNotFound || ann.Lookup.Outcome != pubrio.LookupNotLookedUp ||
		!strings.Contains(ann.Lookup.Reason, "similarity") || ann.Message != ann.Lookup.Reason {
		t.Fatalf("a name without similarity: %+v %+v", ann, ann.Lookup)
	}
	if len(byID) != 1 || byID[0] != johnID {
		t.Fatalf("people of ids: %v", byID)
	}
	// One lookup request; King and John bought once each, and what the
	// fake took is what the run counted.
	s := f.stats()
	if s.Requests[lookupBatchPath] != 1 || s.Requests[submitPath] != 1 || s.PeopleSubmitted != 2 ||
		s.MaxSubmitsPerPerson != 1 {
		t.Fatalf("the fake saw %v, %d people submitted, at most %d times each", s.Requests, s.PeopleSubmitted,
			s.MaxSubmitsPerPerson)
	}
	if !strings.Contains(s.LastSubmitBody, kingID) || !strings.Contains(s.LastSubmitBody, johnID) {
		t.Fatalf("the batch: %s", s.LastSubmitBody)
	}
	if spent := before - s.Credit; spent <= 0 || spent != stats.CreditsCharged {
		t.Fatalf("the fake took %d credits, the run counted %d", spent, stats.CreditsCharged)
	}

	// The rerun on the journal: every entry answered again, nothing asked
	// or bought.
	events, _, _ = run()
	if len(events) != len(entries) {
		t.Fatalf("rerun: %d entries answered of %d", len(events), len(entries))
	}
	wantLookupPerson(t, events, entries, 0, kingID, pubrio.ConfidenceExact, true)
	wantLookupPerson(t, events, entries, 1, johnID, pubrio.ConfidenceExact, true)
	if events[2].Lookup.Outcome != pubrio.LookupNotFound || events[4].Lookup.Outcome != pubrio.LookupNotLookedUp {
		t.Fatalf("rerun: %+v, %+v", events[2].Lookup, events[4].Lookup)
	}
	again := f.stats()
	if again.Requests[lookupBatchPath] != 1 || again.Requests[submitPath] != 1 || again.Credit != s.Credit {
		t.Fatalf("the rerun asked or bought: %v, %d credits", again.Requests, s.Credit-again.Credit)
	}
}

func TestBulkLookupsSimilarityIsOptIn(t *testing.T) {
	ann := pubrio.LookupEntry{FirstName: "Ann", LastName: "Lee", Company: "Acme Inc"}
	for _, similarity := range []bool{false, true} {
		f := startFake(t, "--estimated-time", "0")
		c := newClient(t, f)
		run, err := c.StartBulk(context.Background(), pubrio.Phone, nil, &pubrio.BulkOptions{Wait: fast})
		if err != nil {
			t.Fatal(err)
		}
		if err := run.AddLookups(pubrio.LookupRequest{Entries: []pubrio.LookupEntry{ann}, Similarity: similarity}); err != nil {
			t.Fatal(err)
		}
		events, _ := lookupEvents(t, run)
		run.Close()
		s := f.stats()
		if !similarity {
			if ev := events[0]; ev.Kind != pubrio.EventNotFound || ev.Lookup.Outcome != pubrio.LookupNotLookedUp ||
				!strings.Contains(ev.Lookup.Reason, "similarity") {
				t.Fatalf("similarity off: %+v %+v", ev, ev.Lookup)
			}
			if s.Requests[lookupBatchPath] != 0 || s.PeopleSubmitted != 0 {
				t.Fatalf("similarity off sent %v", s.Requests)
			}
			continue
		}
		wantLookupPerson(t, events, []pubrio.LookupEntry{ann}, 0, annID, pubrio.ConfidenceSimilarityCompany, false)
		if s.Requests[lookupBatchPath] != 1 || s.PeopleSubmitted != 1 {
			t.Fatalf("similarity on: %v, %d people submitted", s.Requests, s.PeopleSubmitted)
		}
	}
}

// A lookup whose answer is lost after the API acted: its entry fails
// (maybe charged) and is never asked again, the entry after it is named
// not sent; the rerun on the journal asks only that one.
func TestBulkLookupsAnUncertainLookupIsNeverResent(t *testing.T) {
	f := startFake(t, "--estimated-time", "0")
	c := newClient(t, f)
	// A first lookup leaves the connection open: libcurl would resend on
	// its own a request whose reused connection dies (a double charge).
	if _, err := c.Lookup(context.Background(), pubrio.LookupRequest{Entries: emails("chris.wu@globex.com")}); err != nil {
		t.Fatal(err)
	}
	journal := t.TempDir() + "/run.journal"
	req := pubrio.LookupRequest{BatchSize: 1, Entries: emails("ann@acme.io", "bob@acme.io")}
	f.scriptReply(map[string]interface{}{"path": lookupBatchPath, "status": 200, "fault": faultProcessThenClose})
	drain := func() (map[int]pubrio.BulkEvent, error) {
		run, err := c.StartBulk(context.Background(), pubrio.Phone, nil, &pubrio.BulkOptions{Wait: fast, Journal: journal})
		if err != nil {
			t.Fatal(err)
		}
		defer run.Close()
		if err := run.AddLookups(req); err != nil {
			t.Fatal(err)
		}
		events := map[int]pubrio.BulkEvent{}
		for run.Next() {
			if ev := run.Event(); ev.Lookup != nil {
				events[ev.Lookup.Index] = ev
			}
		}
		return events, run.Err()
	}
	events, err := drain()
	if err == nil {
		t.Fatal("the run ended well after a lost lookup")
	}
	if ev := events[0]; ev.Kind != pubrio.EventBatchFailed || ev.Lookup.Outcome != pubrio.LookupFailed ||
		ev.Lookup.Entry != req.Entries[0] || ev.Message == "" {
		t.Fatalf("the lost lookup: %+v %+v", ev, ev.Lookup)
	}
	if ev := events[1]; ev.Kind != pubrio.EventBatchFailed || ev.Lookup.Outcome != pubrio.LookupNotSent {
		t.Fatalf("the entry not sent: %+v %+v", ev, ev.Lookup)
	}
	if s := f.stats(); s.Requests[lookupBatchPath] != 2 || s.Requests[submitPath] != 0 {
		t.Fatalf("after the lost lookup: %v", s.Requests)
	}
	events, err = drain()
	if err != nil {
		t.Fatal(err)
	}
	if events[0].Kind != pubrio.EventBatchFailed || events[0].Lookup.Outcome != pubrio.LookupFailed {
		t.Fatalf("rerun, the lost lookup: %+v", events[0])
	}
	wantLookupPerson(t, events, req.Entries, 1, bobID, pubrio.ConfidenceExact, false)
	if n := f.stats().Requests[lookupBatchPath]; n != 3 {
		t.Fatalf("%d lookup requests; the rerun asks Bob alone", n)
	}
}

func TestBulkLookupsBadEntriesAreRefusedBeforeSending(t *testing.T) {
	f := startFake(t, "--estimated-time", "0")
	c := newClient(t, f)
	run, err := c.StartBulk(context.Background(), pubrio.Phone, ids[:1], nil)
	if err != nil {
		t.Fatal(err)
	}
	good := pubrio.LookupEntry{Email: "ann@acme.io"}
	for _, tc := range []struct {
		req  pubrio.LookupRequest
		says string
	}{
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good, {Email: "no-at-sign"}}}, "lookup entry 1"},
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good, {Phone: "+1 555\x00"}}}, "phone of lookup entry 1"},
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good, {FirstName: "Ann"}}}, "entry 1"},
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good}, BatchSize: -1}, "batch size -1"},
	} {
		err := run.AddLookups(tc.req)
		var e *pubrio.Error
		if !errors.As(err, &e) || e.Status != pubrio.ErrInvalidArgument || !strings.Contains(e.Message, tc.says) {
			t.Fatalf("%+v: %v", tc.req, err)
		}
	}
	if err := run.AddLookups(pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good}}); err != nil {
		t.Fatal(err)
	}
	// One request a run: its entries are numbered by it.
	if err := run.AddLookups(pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good}}); !errors.Is(err, pubrio.ErrInvalidArgument) {
		t.Fatalf("a second request: %v", err)
	}
	if n := f.stats().Total; n != 0 {
		t.Fatalf("%d requests sent", n)
	}
	run.Close()
	if err := run.AddLookups(pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good}}); !errors.Is(err, pubrio.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

// fourEntries: King and John found, a miss, a name not looked up.
var fourEntries = []pubrio.LookupEntry{
	{Email: "king.lai@pubrio.com"},                           // 0 King
	{Email: "missing.person@people.example"},                 // 1 a miss
	{Phone: "+1 (555) 010-0002"},                             // 2 John
	{FirstName: "Ann", LastName: "Lee", Company: "Acme Inc"}, // 3 needs similarity
}

// A run whose lookup request is answered and whose purchase is held by a
// rate of 3 requests a minute (the run's two account reads, free, and the
// lookup take them): only the miss and the name are handed out; Close keeps King and John, resolved (paid) and not
// bought, and names them.
func TestBulkLookupsCloseNamesTheEntriesItResolved(t *testing.T) {
	f := startFake(t, "--estimated-time", "0")
	c := newClient(t, f)
	run, err := c.StartBulk(context.Background(), pubrio.Phone, nil, &pubrio.BulkOptions{Wait: fast, RateLimit: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if err := run.AddLookups(pubrio.LookupRequest{Entries: fourEntries}); err != nil {
		t.Fatal(err)
	}
	answered := map[int]bool{}
	for len(answered) < 2 && run.Next() {
		ev := run.Event()
		if ev.Kind != pubrio.EventNotFound || ev.Lookup == nil || (ev.Lookup.Index != 1 && ev.Lookup.Index != 3) {
			t.Fatalf("%+v before the close", ev)
		}
		answered[ev.Lookup.Index] = true
	}
	if s := run.Stats(); len(answered) != 2 || s.LookupsToSend != 0 || s.LookupsFound != 2 || s.LookupsNotFound != 1 {
		t.Fatalf("answered %v; %+v", answered, s)
	}
	err = run.Close()
	var left *pubrio.LeftoverError
	if !errors.As(err, &left) || left.Drained != 2 || left.Resolved != 2 {
		t.Fatalf("Close: %#v", err)
	}
	for _, says := range []string{"2 lookup entries resolved (paid)", "Bulk.Drained hands back the people kept and the lookup entries resolved"} {
		if !strings.Contains(left.Message, says) {
			t.Fatalf("%q does not say %q", left.Message, says)
		}
	}
	drained := run.Drained()
	want := map[int]string{0: kingID, 2: johnID}
	if len(drained) != len(want) {
		t.Fatalf("drained %+v", drained)
	}
	for _, ev := range drained {
		l := ev.Lookup
		if ev.Kind != pubrio.EventResolved || l == nil || ev.Person == nil || ev.Person.ID != want[l.Index] ||
			len(ev.Person.Phones)+len(ev.Person.Emails) != 0 || l.Entry != fourEntries[l.Index] ||
			l.Outcome != pubrio.LookupFound || l.Confidence != pubrio.ConfidenceExact {
			t.Fatalf("kept %+v %+v", ev, l)
		}
		delete(want, l.Index)
	}
	if s := f.stats(); s.Requests[lookupBatchPath] != 1 || s.Requests[submitPath] != 0 {
		t.Fatalf("the fake saw %v: looked up once, nobody bought", s.Requests)
	}
}

// Before the first Next, Stats is the dry run: the lookups, the people
// they may find in the worst case, and their own credit each.
func TestBulkLookupsDryRunCountsLookupsAndTheirWorstCase(t *testing.T) {
	f := startFake(t, "--estimated-time", "0")
	c := newClient(t, f)
	run, err := c.StartBulk(context.Background(), pubrio.Phone, []string{bobID}, &pubrio.BulkOptions{Wait: fast})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	idsOnly := run.Stats()
	if err := run.AddLookups(pubrio.LookupRequest{Entries: fourEntries}); err != nil {
		t.Fatal(err)
	}
	dry := run.Stats()
	if dry.Lookups != 4 || dry.LookupsToSend != 3 || dry.LookupsFound+dry.LookupsNotFound != 0 ||
		dry.PlannedRequests != idsOnly.PlannedRequests+1 {
		t.Fatalf("dry run %+v", dry)
	}
	// Each entry to send may find a person to buy (a phone, 1 a contact
	// without prices), and its lookup costs 1 credit at worst.
	if idsOnly.WorstCaseCredits() != idsOnly.CreditsWorstCase || dry.CreditsWorstCase != idsOnly.CreditsWorstCase+3 ||
		dry.WorstCaseCredits() != dry.CreditsWorstCase+3 {
		t.Fatalf("worst case: ids %d, with lookups %d (%d in all)", idsOnly.CreditsWorstCase, dry.CreditsWorstCase,
			dry.WorstCaseCredits())
	}
	if n := f.stats().Total; n != 0 {
		t.Fatalf("a dry run sent %d requests", n)
	}
}

// Refresh looks up again (and buys again) what the journal answered; a
// rerun without it asks nothing.
func TestBulkLookupsRefreshAsksAgain(t *testing.T) {
	f := startFake(t, "--estimated-time", "0")
	c := newClient(t, f)
	journal := t.TempDir() + "/run.journal"
	entries := []pubrio.LookupEntry{{Email: "king.lai@pubrio.com"}, {Email: "missing.person@people.example"}}
	run := func(refresh bool) (map[int]pubrio.BulkEvent, pubrio.BulkStats) {
		t.Helper()
		run, err := c.StartBulk(context.Background(), pubrio.Phone, []string{johnID},
			&pubrio.BulkOptions{Wait: fast, Journal: journal, Refresh: refresh})
		if err != nil {
			t.Fatal(err)
		}
		defer run.Close()
		if err := run.AddLookups(pubrio.LookupRequest{Entries: entries}); err != nil {
			t.Fatal(err)
		}
		if dry := run.Stats(); refresh && dry.LookupsToSend != 2 {
			t.Fatalf("refresh: %d lookups to send", dry.LookupsToSend)
		}
		events, _ := lookupEvents(t, run)
		return events, run.Stats()
	}
	wantAsked := func(lookups, submits int) {
		t.Helper()
		if s := f.stats(); s.Requests[lookupBatchPath] != lookups || s.Requests[submitPath] != submits {
			t.Fatalf("the fake saw %v; want %d lookups, %d submits", s.Requests, lookups, submits)
		}
	}
	run(false)
	wantAsked(1, 1)
	events, _ := run(false)
	wantLookupPerson(t, events, entries, 0, kingID, pubrio.ConfidenceExact, true)
	wantAsked(1, 1)
	before := f.stats().Credit
	events, stats := run(true)
	wantLookupPerson(t, events, entries, 0, kingID, pubrio.ConfidenceExact, false)
	if miss := events[1]; miss.Kind != pubrio.EventNotFound || miss.FromStore || miss.Lookup.Outcome != pubrio.LookupNotFound {
		t.Fatalf("the miss asked again: %+v %+v", miss, miss.Lookup)
	}
	wantAsked(2, 2)
	if spent := before - f.stats().Credit; spent <= 0 || spent != stats.CreditsCharged || stats.LookupCredits == 0 {
		t.Fatalf("the fake took %d credits; the run counted %d (%d for lookups)", spent, stats.CreditsCharged,
			stats.LookupCredits)
	}
}

func ExampleBulk_AddLookups() {
	client, err := pubrio.NewClient() // PUBRIO_API_KEY, PUBRIO_BASE_URL
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	run, err := client.StartBulk(ctx, pubrio.Phone, nil, &pubrio.BulkOptions{MaxCredits: pubrio.Int64(1000)})
	if err != nil {
		log.Fatal(err)
	}
	defer run.Close()
	err = run.AddLookups(pubrio.LookupRequest{Entries: []pubrio.LookupEntry{
		{Email: "king.lai@pubrio.com"},
		{Phone: "+1 555 010 0001"}, // King again: bought once
		{Email: "missing@people.example"},
	}})
	if err != nil {
		log.Fatal(err) // names the bad entry; nothing was sent
	}
	for run.Next() {
		ev := run.Event()
		if l := ev.Lookup; l != nil && ev.Kind == pubrio.EventPerson {
			fmt.Println(l.Index, l.Outcome, ev.Person.ID, l.Confidence, ev.Person.Phones)
		} else if l != nil {
			fmt.Println(l.Index, l.Outcome, l.Entry.Email)
		}
	}
	if err := run.Err(); err != nil {
		fmt.Println(err)
	}
	// Unordered output:
	// 0 found e37ccf38-ea8f-422e-9874-cb23b15e8fe4 exact [+15556185436]
	// 1 found e37ccf38-ea8f-422e-9874-cb23b15e8fe4 exact [+15556185436]
	// 2 not found missing@people.example
}
