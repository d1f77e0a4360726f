package pubrio_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

// Every Go status is one the loaded C library knows, under its own name.
func TestStatusesAreTheLibrarys(t *testing.T) {
	all := []pubrio.Status{pubrio.ErrInvalidArgument, pubrio.ErrOutOfMemory, pubrio.ErrNoAPIKey,
		pubrio.ErrTransport, pubrio.ErrTimeout, pubrio.ErrTLS, pubrio.ErrBadRequest,
		pubrio.ErrUnauthorized, pubrio.ErrPaymentRequired, pubrio.ErrRateLimited, pubrio.ErrServer,
		pubrio.ErrHTTP, pubrio.ErrProtocol, pubrio.ErrResponseTooLarge, pubrio.ErrWaitTimeout,
		pubrio.ErrCancelled, pubrio.ErrCreditBudget, pubrio.ErrJournal}
	names := map[string]bool{}
	for i, s := range all {
		if int(s) != i+1 || s.String() == "unknown status" || names[s.String()] {
			t.Fatalf("status %d: %q", int(s), s.String())
		}
		names[s.String()] = true
		if s.Error() != "pubrio: "+s.String() {
			t.Fatalf("%d: Error() %q", int(s), s.Error())
		}
	}
	if pubrio.Status(999).String() != "unknown status" {
		t.Fatalf("999: %q", pubrio.Status(999).String())
	}
	err := error(&pubrio.Error{Status: pubrio.ErrServer})
	if !errors.Is(err, pubrio.ErrServer) || errors.Is(err, pubrio.ErrHTTP) || errors.Is(err, context.Canceled) {
		t.Fatal("errors.Is matches the wrong sentinel")
	}
}

func TestContactTypes(t *testing.T) {
	if got := (pubrio.EmailPersonal | pubrio.EmailWork | pubrio.Phone).String(); got != "email-personal|email-work|phone" {
		t.Fatalf("String %q", got)
	}
	for _, name := range []string{"email-personal", "email-work", "phone"} {
		if ct, err := pubrio.ParseContactType(name); err != nil || ct.String() != name {
			t.Fatalf("%s: %v %v", name, ct, err)
		}
	}
	if _, err := pubrio.ParseContactType("fax"); !errors.Is(err, pubrio.ErrInvalidArgument) {
		t.Fatalf("fax: %v", err)
	}
}

// A wait that runs out is ErrWaitTimeout (not a cancel) with the last state.
func TestWaitTimeoutKeepsTheLastState(t *testing.T) {
	f := startFake(t, "--estimated-time", "0", "--complete-after-polls", "1000000")
	c := newClient(t, f)
	job, err := c.Submit(context.Background(), pubrio.Request{People: ids, Types: pubrio.Phone})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	last, err := c.Wait(context.Background(), job.RedeemQueryID, &pubrio.WaitOptions{
		Timeout: 300 * time.Millisecond, MinDelay: 20 * time.Millisecond, MaxDelay: 50 * time.Millisecond,
		FirstDelay: pubrio.PollAtOnce})
	if !errors.Is(err, pubrio.ErrWaitTimeout) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Fatalf("a 300 ms wait took %v", elapsed)
	}
	if last == nil || last.Query.IsCompleted {
		t.Fatalf("last state %+v", last)
	}
	if n := f.stats().Requests[queryPath]; n < 3 {
		t.Fatalf("%d polls in 300 ms at 20-50 ms", n)
	}
}

func TestRateLimitedSubmitIsNotSpent(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f, pubrio.WithRetry(1, 0, 0))
	f.script(submitPath, 429, `{"error":"slow down"}`, 1)
	_, err := c.Submit(context.Background(), pubrio.Request{People: ids, Types: pubrio.Phone})
	var perr *pubrio.Error
	if !errors.Is(err, pubrio.ErrRateLimited) || !errors.As(err, &perr) ||
		perr.SubmitState != pubrio.SubmitNotSpent || perr.HTTPStatus != 429 || perr.APIMessage != "slow down" {
		t.Fatalf("err %v", err)
	}
}

// SubmitOnly: accepted batches come as events, collected later with Wait.
func TestBulkSubmitOnlyThenWait(t *testing.T) {
	f := startFake(t, "--estimated-time", "0")
	c := newClient(t, f)
	run, err := c.StartBulk(context.Background(), pubrio.Phone, bulkIDs(30),
		&pubrio.BulkOptions{BatchSize: 10, MaxInFlight: 2, SubmitOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	var batches []string
	for run.Next() {
		switch ev := run.Event(); ev.Kind {
		case pubrio.EventBatchAccepted:
			batches = append(batches, ev.RedeemQueryID)
		case pubrio.EventPerson:
			t.Fatalf("a person in a submit-only run: %+v", ev)
		}
	}
	if run.Err() != nil || len(batches) != 3 {
		t.Fatalf("err %v, batches %v", run.Err(), batches)
	}
	// A client serves one user at a time: the run ends before Wait.
	if err := run.Close(); err != nil {
		t.Fatal(err)
	}
	people := 0
	for _, id := range batches {
		result, err := c.Wait(context.Background(), id, fast)
		if err != nil {
			t.Fatal(err)
		}
		people += len(result.People)
	}
	if people != 30 {
		t.Fatalf("%d people collected, want 30", people)
	}
}

// A journaled run stopped after its submits resumes on a rerun: the paid
// batches are collected and nobody is submitted twice.
func TestBulkJournalResumesWithoutResubmitting(t *testing.T) {
	f := startFake(t, "--estimated-time", "0", "--complete-after-polls", "2")
	c := newClient(t, f)
	journal := t.TempDir() + "/run.journal"
	people := bulkIDs(40)
	opts := &pubrio.BulkOptions{BatchSize: 10, Journal: journal, Wait: fast}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run, err := c.StartBulk(ctx, pubrio.EmailWork, people, opts)
	if err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for run.Next() {
		if run.Event().Kind == pubrio.EventBatchAccepted {
			if accepted++; accepted == 4 {
				cancel()
			}
		}
	}
	run.Close()
	if !errors.Is(run.Err(), context.Canceled) || len(run.Uncollected()) == 0 {
		t.Fatalf("first run: err %v, uncollected %v", run.Err(), run.Uncollected())
	}
	unpaid := 0
	for _, b := range run.Uncollected() {
		unpaid += b.People
	}
	rerun, err := c.StartBulk(context.Background(), pubrio.EmailWork, people, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rerun.Close()
	if s := rerun.Stats(); s.PeopleJournaled != 40 || s.PeopleToSubmit != 0 {
		t.Fatalf("rerun plan %+v", s)
	}
	collected := 0
	for rerun.Next() {
		if rerun.Event().Kind == pubrio.EventPerson {
			collected++
		}
	}
	if rerun.Err() != nil || collected != unpaid {
		t.Fatalf("rerun: err %v, %d people collected, %d were paid and not collected", rerun.Err(), collected, unpaid)
	}
	if s := f.stats(); s.Requests[submitPath] != 4 || s.MaxSubmitsPerPerson != 1 {
		t.Fatalf("%d submits, someone submitted %d times", s.Requests[submitPath], s.MaxSubmitsPerPerson)
	}
}
