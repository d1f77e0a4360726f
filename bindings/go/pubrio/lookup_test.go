package pubrio_test

// The contact lookup over real HTTP to the fake server's directory
// (tests/fake_server/fake_lookup.c: it answers the matches in reverse
// order, leaves misses out and charges 1 a billable match): each answer in
// its entry's place, similarity opt-in, a lost answer uncertain and never
// resent, the paid answers kept beside an error, bad entries refused before
// anything is sent.

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"sync"
	"testing"

	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

const (
	lookupBatchPath  = "/redeem/people/contact/lookup/batch"
	lookupSinglePath = "/redeem/people/contact/lookup"
)

// People of the fake's directory.
const (
	kingID  = "e37ccf38-ea8f-422e-9874-cb23b15e8fe4"
	johnID  = "1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b"
	janeID  = "2d5e1b0e-0b9f-4bc1-8c18-3de1a4b4b7c7"
	annID   = "3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8"
	bobID   = "4f703d20-2db1-4de3-8e3a-5f03c6d6d9e9"
	chrisID = "5a814e31-3ec2-4ef4-9f4b-6a14d7e7eafa"
)

func wantFound(t *testing.T, answers []pubrio.LookupAnswer, i int, id, first string, how pubrio.LookupConfidence) {
	t.Helper()
	a := answers[i]
	if a.Outcome != pubrio.LookupFound || a.PeopleSearchID != id || a.FirstName != first || a.Confidence != how {
		t.Fatalf("entry %d: %+v; want %s (%s) found, %v", i, a, first, id, how)
	}
}

func lookupOK(t *testing.T, c *pubrio.Client, req pubrio.LookupRequest) pubrio.LookupResult {
	t.Helper()
	result, err := c.Lookup(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return result
}

func emails(list ...string) []pubrio.LookupEntry {
	var entries []pubrio.LookupEntry
	for _, e := range list {
		entries = append(entries, pubrio.LookupEntry{Email: e})
	}
	return entries
}

func TestLookupShuffledAnswersLandOnTheirEntries(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	before := f.stats().Credit
	result := lookupOK(t, c, pubrio.LookupRequest{Entries: []pubrio.LookupEntry{
		{Email: "  King.Lai@PUBRIO.com "},
		{Phone: "+1 (555) 010-0002"},
		{Email: "missing.person@people.example"},
		{Email: "chris.wu@globex.com"},
		{Phone: "+44 20 7946 0001"},
	}})
	a := result.Answers
	if len(a) != 5 {
		t.Fatalf("%d answers", len(a))
	}
	// The fake answers in reverse order: each still lands on its entry.
	wantFound(t, a, 0, kingID, "King", pubrio.ConfidenceExact)
	wantFound(t, a, 1, johnID, "John", pubrio.ConfidenceExact)
	wantFound(t, a, 3, chrisID, "Chris", pubrio.ConfidenceExact)
	wantFound(t, a, 4, annID, "Ann", pubrio.ConfidenceExact)
	john := a[1]
	if john.InputType != "phone" || john.InputValue != "+15550100002" || john.PeopleName != "John Smith" ||
		john.CompanyName != "Example" || john.Domain != "example.com" || john.Credits != 1 ||
		john.Confidence.String() != "exact" || john.Status != pubrio.StatusOK {
		t.Fatalf("john %+v", john)
	}
	if miss := a[2]; miss.Outcome != pubrio.LookupNotFound || miss.PeopleSearchID != "" || miss.Credits != 0 ||
		miss.Outcome.String() != "not found" {
		t.Fatalf("miss %+v", miss)
	}
	if result.CreditsCharged != 4 || result.Requests != 1 {
		t.Fatalf("charged %d in %d requests", result.CreditsCharged, result.Requests)
	}
	s := f.stats()
	if before-s.Credit != 4 || s.Requests[lookupBatchPath] != 1 {
		t.Fatalf("the fake: %d credits charged, %d requests", before-s.Credit, s.Requests[lookupBatchPath])
	}
}

func TestLookupPutsEntriesThatCouldGiveOneInputInDifferentRequests(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	req := pubrio.LookupRequest{Similarity: true, Entries: []pubrio.LookupEntry{
		{FirstName: "John", LastName: "Smith", Domain: "https://www.Example.com/team"},
		{FirstName: "Jane", LastName: "Doe", Domain: "example.com"},
		{Email: "bob@acme.io"},
		{Email: " BOB@acme.io"},
	}}
	plan, err := req.Plan()
	if err != nil || plan != (pubrio.LookupPlan{Lookups: 4, WorstCaseCredits: 4, Requests: 2}) {
		t.Fatalf("plan %+v, %v", plan, err)
	}
	a := lookupOK(t, c, req).Answers
	wantFound(t, a, 0, johnID, "John", pubrio.ConfidenceSimilarityDomain)
	wantFound(t, a, 1, janeID, "Jane", pubrio.ConfidenceSimilarityDomain)
	wantFound(t, a, 2, bobID, "Bob", pubrio.ConfidenceExact)
	wantFound(t, a, 3, bobID, "Bob", pubrio.ConfidenceExact)
	if n := f.stats().Requests[lookupBatchPath]; n != 2 {
		t.Fatalf("%d requests; no request may hold both of a pair", n)
	}
}

func TestLookupPersonFindsAndMisses(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	ctx := context.Background()
	chris, err := c.LookupPerson(ctx, pubrio.LookupRequest{Entries: []pubrio.LookupEntry{{Phone: "+61 2 9000 0001"}}})
	if err != nil {
		t.Fatal(err)
	}
	wantFound(t, []pubrio.LookupAnswer{chris}, 0, chrisID, "Chris", pubrio.ConfidenceExact)
	before := f.stats().Credit
	miss, err := c.LookupPerson(ctx, pubrio.LookupRequest{Entries: emails("miss.me@people.example")})
	if err != nil || miss.Outcome != pubrio.LookupNotFound || miss.PeopleSearchID != "" {
		t.Fatalf("miss %+v, %v", miss, err)
	}
	s := f.stats()
	if s.Credit != before || s.Requests[lookupSinglePath] != 2 || s.Requests[lookupBatchPath] != 0 {
		t.Fatalf("a miss is free and the single endpoint is used: %+v", s)
	}
}

func TestLookupSimilarityIsOptIn(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	req := pubrio.LookupRequest{Entries: []pubrio.LookupEntry{
		{FirstName: "John", LastName: "Smith", Domain: "example.com"},
		{Email: "bob@acme.io", Company: "Acme Inc"},
	}}
	plan, err := req.Plan()
	if err != nil || plan.Lookups != 1 || plan.Refused != 1 || plan.Requests != 1 {
		t.Fatalf("plan %+v, %v", plan, err)
	}
	result := lookupOK(t, c, req)
	if r := result.Answers[0]; r.Outcome != pubrio.LookupNotLookedUp || !strings.Contains(r.Reason, "similarity") ||
		r.PeopleSearchID != "" {
		t.Fatalf("similarity off: %+v", r)
	}
	wantFound(t, result.Answers, 1, bobID, "Bob", pubrio.ConfidenceExact)
	if result.CreditsCharged != 1 {
		t.Fatalf("charged %d", result.CreditsCharged)
	}

	req.Similarity = true
	if plan, _ := req.Plan(); plan.Lookups != 2 || plan.Refused != 0 {
		t.Fatalf("plan with similarity %+v", plan)
	}
	a := lookupOK(t, c, req).Answers
	wantFound(t, a, 0, johnID, "John", pubrio.ConfidenceSimilarityDomain)
	wantFound(t, a, 1, bobID, "Bob", pubrio.ConfidenceExact)
	if n := f.stats().Requests[lookupBatchPath]; n != 2 {
		t.Fatalf("%d requests, want one each time", n)
	}
}

func TestLookupUncertainIsNeverResentAndTheErrorNamesItsEntry(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	// A first lookup leaves the connection open: libcurl would resend on
	// its own a request whose reused connection dies (a double charge).
	lookupOK(t, c, pubrio.LookupRequest{Entries: emails("king.lai@pubrio.com")})
	before := f.stats().Credit
	f.scriptReply(map[string]interface{}{"path": lookupBatchPath, "status": 200, "fault": faultProcessThenClose})
	req := pubrio.LookupRequest{BatchSize: 1, Entries: emails("ann@acme.io", "bob@acme.io", "jane.doe@example.com")}
	result, err := c.Lookup(context.Background(), req)

	var lerr *pubrio.LookupError
	var perr *pubrio.Error
	if !errors.As(err, &lerr) || !errors.As(err, &perr) || !errors.Is(err, pubrio.ErrTransport) {
		t.Fatalf("err %v (%T)", err, err)
	}
	if perr.SubmitState != pubrio.SubmitUncertain || perr.Attempts != 1 {
		t.Fatalf("sent once, uncertain: %+v", perr)
	}
	if !strings.Contains(err.Error(), "lookup entries 0 failed") || len(lerr.Entries) != 1 || lerr.Entries[0] != 0 {
		t.Fatalf("the error names entry 0: %v, %v", err, lerr.Entries)
	}
	if len(result.Answers) != 3 || len(lerr.Result.Answers) != 3 {
		t.Fatalf("answers kept: %+v", result)
	}
	if a := result.Answers[0]; a.Outcome != pubrio.LookupFailed || a.SubmitState != pubrio.SubmitUncertain ||
		a.Status != pubrio.ErrTransport {
		t.Fatalf("entry 0 %+v", a)
	}
	for _, a := range result.Answers[1:] {
		if a.Outcome != pubrio.LookupNotSent || a.SubmitState != pubrio.SubmitNotSpent {
			t.Fatalf("a later entry %+v", a)
		}
	}
	if u := result.Uncertain(); len(u) != 1 || u[0] != 0 {
		t.Fatalf("uncertain %v", u)
	}
	s := f.stats()
	if before-s.Credit != 1 || s.Requests[lookupBatchPath] != 2 {
		t.Fatalf("processed once (%d credits), never resent (%d requests with the warm-up)",
			before-s.Credit, s.Requests[lookupBatchPath])
	}
}

func TestLookupUnmappableMatchFailsWithoutAGuessAndKeepsThePaidAnswers(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	// The fake answers the first with an input value nobody sent.
	result, err := c.Lookup(context.Background(), pubrio.LookupRequest{
		Entries: emails("unmappable.one@people.example", "king.lai@pubrio.com", "miss.x@people.example")})
	if !errors.Is(err, pubrio.ErrProtocol) || !strings.Contains(err.Error(), "maps to no entry") ||
		!strings.Contains(err.Error(), "lookup entries 0, 2 failed") {
		t.Fatalf("err %v", err)
	}
	if a := result.Answers[0]; a.Outcome != pubrio.LookupFailed || a.PeopleSearchID != "" {
		t.Fatalf("never guessed: %+v", a)
	}
	wantFound(t, result.Answers, 1, kingID, "King", pubrio.ConfidenceExact) // paid for, kept
	if u := result.Uncertain(); len(u) != 2 || u[0] != 0 || u[1] != 2 {
		t.Fatalf("uncertain %v", u)
	}
}

func TestLookupBadEntriesSendNothing(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	ctx := context.Background()
	good := pubrio.LookupEntry{Email: "ok@acme.io"}
	for _, tc := range []struct {
		req  pubrio.LookupRequest
		says []string
	}{
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good, {Email: "no-at-sign"}}}, []string{"lookup entry 1", "not an email"}},
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good, {Phone: "12"}}}, []string{"lookup entry 1", "5 to 20 digits"}},
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good, {FirstName: "A", LastName: "L", Company: "Acme\x1b[2J"}}},
			[]string{"control character"}},
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good, {Email: "a@b.c\x00d"}}}, []string{"email of lookup entry 1", "NUL"}},
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good, {}}}, []string{"entry 1 is empty"}},
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good, {FirstName: "Ann", Company: "Acme"}}}, []string{"entry 1", "half a name"}},
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good}, BatchSize: -1}, []string{"batch size -1"}},
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good}, BatchSize: 10001}, []string{"batch size 10001"}},
		{pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good}, ProfileID: pubrio.Int64(-2)}, []string{"profile_id -2"}},
		{pubrio.LookupRequest{}, []string{"no entries"}},
	} {
		_, perr := tc.req.Plan()
		result, err := c.Lookup(ctx, tc.req)
		var e *pubrio.Error
		if !errors.As(err, &e) || e.Status != pubrio.ErrInvalidArgument || e.SubmitState != pubrio.SubmitNotSpent ||
			result.Answers != nil {
			t.Fatalf("%+v: %v (%+v)", tc.req, err, result)
		}
		for _, s := range tc.says {
			if !strings.Contains(err.Error(), s) {
				t.Fatalf("%q not in %v", s, err)
			}
		}
		if strings.Contains(err.Error(), "\x1b") {
			t.Fatalf("a control character reached the message: %q", err)
		}
		if len(tc.req.Entries) > 0 && !errors.Is(perr, pubrio.ErrInvalidArgument) {
			t.Fatalf("Plan of %+v: %v", tc.req, perr)
		}
	}
	// The single call takes one entry.
	_, err := c.LookupPerson(ctx, pubrio.LookupRequest{Entries: emails("a@acme.io", "b@acme.io")})
	if !errors.Is(err, pubrio.ErrInvalidArgument) || !strings.Contains(err.Error(), "Client.LookupPerson takes one entry") ||
		!strings.Contains(err.Error(), "use Client.Lookup") {
		t.Fatalf("two entries to LookupPerson: %v", err)
	}
	// A context done before the call: nothing sent, nothing spent.
	done, cancel := context.WithCancel(ctx)
	cancel()
	_, err = c.Lookup(done, pubrio.LookupRequest{Entries: []pubrio.LookupEntry{good}})
	var e *pubrio.Error
	if !errors.Is(err, context.Canceled) || !errors.As(err, &e) || e.SubmitState != pubrio.SubmitNotSpent {
		t.Fatalf("done context: %v", err)
	}
	if n := f.stats().Total; n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

// One client shared by goroutines (run under -race by scripts/go_test.sh):
// its calls take turns, and each gets its own answers.
func TestLookupFromManyGoroutinesOnOneClient(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	people := []struct{ email, id string }{
		{"king.lai@pubrio.com", kingID}, {"ann@acme.io", annID}, {"bob@acme.io", bobID}, {"chris.wu@globex.com", chrisID}}
	var wg sync.WaitGroup
	errs := make(chan error, len(people)*5)
	for g := 0; g < len(people)*5; g++ {
		wg.Add(1)
		go func(p struct{ email, id string }) {
			defer wg.Done()
			result, err := c.Lookup(context.Background(), pubrio.LookupRequest{Entries: emails(p.email)})
			if err == nil && result.Answers[0].PeopleSearchID != p.id {
				err = fmt.Errorf("%s: got %+v", p.email, result.Answers[0])
			}
			errs <- err
		}(people[g%len(people)])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.stats().Requests[lookupBatchPath]; n != len(people)*5 {
		t.Fatalf("%d requests for %d lookups", n, len(people)*5)
	}
}

func ExampleClient_Lookup() {
	client, err := pubrio.NewClient() // PUBRIO_API_KEY, PUBRIO_BASE_URL
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	req := pubrio.LookupRequest{
		Entries: []pubrio.LookupEntry{
			{Email: "king.lai@pubrio.com"},
			{Phone: "+1 (555) 010-0002"},
			{FirstName: "Ann", LastName: "Lee", Company: "Acme Inc"},
		},
		Similarity: true, // a name match can name the wrong person: opt in
	}
	result, err := client.Lookup(ctx, req)
	if err != nil {
		fmt.Println(err) // names the failed entries; result keeps every answer received (paid for)
	}
	for i, a := range result.Answers {
		fmt.Println(i, a.Outcome, a.PeopleSearchID, a.Confidence)
	}
	// Output:
	// 0 found e37ccf38-ea8f-422e-9874-cb23b15e8fe4 exact
	// 1 found 1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b exact
	// 2 found 3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8 similarity_company
}
