package pubrio_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

var ids = []string{
	"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11",
	"0a9b7c6d-1e2f-4a5b-8c7d-6e5f4a3b2c1d",
	"deadbeef-0000-4000-8000-000000000011", // the fake has nothing for this one
}

// fast polls a batch every 20-50 ms instead of every 1-30 s.
var fast = &pubrio.WaitOptions{Timeout: 30 * time.Second, MinDelay: 20 * time.Millisecond,
	MaxDelay: 50 * time.Millisecond}

func newClient(t *testing.T, f *fakeServer, opts ...pubrio.Option) *pubrio.Client {
	t.Helper()
	all := append([]pubrio.Option{pubrio.WithAPIKey("test-key"), pubrio.WithBaseURL(f.URL),
		pubrio.WithTimeouts(5*time.Second, 10*time.Second)}, opts...)
	c, err := pubrio.NewClient(all...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestVersion(t *testing.T) {
	if v := pubrio.Version(); !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(v) {
		t.Fatalf("Version() = %q", v)
	}
}

func TestSubmitAndWaitReturnsTheContacts(t *testing.T) {
	f := startFake(t, "--estimated-time", "0", "--complete-after-polls", "1")
	c := newClient(t, f)
	result, err := c.SubmitAndWait(context.Background(),
		pubrio.Request{People: ids, Types: pubrio.EmailWork | pubrio.Phone, ProfileID: pubrio.Int64(5)}, fast)
	if err != nil {
		t.Fatal(err)
	}
	if !result.Query.IsCompleted || len(result.People) != 3 {
		t.Fatalf("completed %v with %d people", result.Query.IsCompleted, len(result.People))
	}
	people := map[string]pubrio.Person{}
	for _, p := range result.People {
		people[p.ID] = p
	}
	jane := people[ids[0]]
	want := pubrio.Contact{Value: "w.540574d1@work.example", Type: pubrio.EmailWork,
		TypeRaw: "email-work", Status: "Verified"}
	if len(jane.Emails) != 1 || jane.Emails[0] != want {
		t.Fatalf("emails %+v, want [%+v]", jane.Emails, want)
	}
	if len(jane.Phones) != 1 || jane.Phones[0].Type != pubrio.Phone ||
		!strings.HasPrefix(jane.Phones[0].Value, "+1555") || jane.Phones[0].Status != "" {
		t.Fatalf("phones %+v", jane.Phones)
	}
	if p := people[ids[2]]; len(p.Emails)+len(p.Phones) != 0 {
		t.Fatalf("the fake has no contacts for %s, got %+v", ids[2], p)
	}
	if !result.HasTotalChargedCredit || result.TotalChargedCredit != 4 {
		t.Fatalf("total charged %d (sent: %v), want 4", result.TotalChargedCredit, result.HasTotalChargedCredit)
	}
	s := f.stats()
	if s.Requests[submitPath] != 1 || s.Requests[queryPath] != 2 {
		t.Fatalf("requests %v, want 1 submit and 2 polls", s.Requests)
	}
	if !strings.Contains(s.LastSubmitBody, `"profile_id":5`) {
		t.Fatalf("submit body %s lacks the profile id", s.LastSubmitBody)
	}
	if c.ConnectionsOpened() != 1 {
		t.Fatalf("%d connections for 3 requests: keep-alive lost", c.ConnectionsOpened())
	}
}

func TestSubmitQueryWait(t *testing.T) {
	f := startFake(t, "--estimated-time", "0", "--complete-after-polls", "1")
	c := newClient(t, f)
	ctx := context.Background()
	job, err := c.Submit(ctx, pubrio.Request{People: ids[:2], Types: pubrio.EmailPersonal})
	if err != nil {
		t.Fatal(err)
	}
	if job.IsCompleted || job.Estimate != 0 || job.EstimatedTimeType != "second" ||
		!regexp.MustCompile(`^[0-9a-f-]{36}$`).MatchString(job.RedeemQueryID) {
		t.Fatalf("job %+v", job)
	}
	state, err := c.Query(ctx, job.RedeemQueryID)
	if err != nil {
		t.Fatal(err)
	}
	if state.Query.IsCompleted || len(state.People) != 0 || state.Query.RedeemQueryID != job.RedeemQueryID {
		t.Fatalf("first poll %+v", state)
	}
	done, err := c.Wait(ctx, job.RedeemQueryID, fast)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range done.People {
		got = append(got, p.ID+" "+fmt.Sprint(p.Emails))
	}
	sort.Strings(got)
	want := []string{"0a9b7c6d-1e2f-4a5b-8c7d-6e5f4a3b2c1d [p.0a9b7c6d@personal.example]",
		"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 [p.540574d1@personal.example]"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("people %v, want %v", got, want)
	}
}

func TestBadRequestIsTypedAndCarriesTheDetails(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	f.script(submitPath, 400, `{"code":40001,"message":"peoples is invalid","details":{"field":"peoples"}}`, 1)
	job, err := c.Submit(context.Background(), pubrio.Request{People: ids, Types: pubrio.Phone})
	if job != nil || !errors.Is(err, pubrio.ErrBadRequest) {
		t.Fatalf("job %v, err %v: want ErrBadRequest", job, err)
	}
	if errors.Is(err, pubrio.ErrServer) || errors.Is(err, context.Canceled) {
		t.Fatalf("%v matches another sentinel", err)
	}
	var perr *pubrio.Error
	if !errors.As(err, &perr) {
		t.Fatalf("%T is not a *pubrio.Error", err)
	}
	if perr.HTTPStatus != 400 || perr.APICode != 40001 || perr.APIMessage != "peoples is invalid" ||
		!strings.HasPrefix(perr.RequestID, "req-") || perr.SubmitState != pubrio.SubmitNotSpent ||
		perr.DetailsJSON != `{"field":"peoples"}` || perr.Attempts != 1 || perr.RedeemQueryID != "" {
		t.Fatalf("error fields %+v", perr)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "pubrio: bad request: ") || !strings.Contains(msg, "HTTP 400") ||
		!strings.HasSuffix(msg, "(submit not spent)") ||
		strings.Contains(msg, "test-key") {
		t.Fatalf("message %q", msg)
	}
	// A 400 proves nothing was processed: the client is fine afterwards.
	if _, err := c.Submit(context.Background(), pubrio.Request{People: ids, Types: pubrio.Phone}); err != nil {
		t.Fatal(err)
	}
	if n := f.stats().Requests[submitPath]; n != 2 {
		t.Fatalf("%d submits, want 2 (a 400 is never retried)", n)
	}
}

func TestServerErrorOnSubmitIsUncertainAndNotResent(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	f.script(submitPath, 500, `{"error":"boom"}`, 1)
	_, err := c.Submit(context.Background(), pubrio.Request{People: ids, Types: pubrio.Phone})
	var perr *pubrio.Error
	if !errors.As(err, &perr) || !errors.Is(err, pubrio.ErrServer) ||
		perr.SubmitState != pubrio.SubmitUncertain || perr.APIMessage != "boom" {
		t.Fatalf("err %v", err)
	}
	if n := f.stats().Requests[submitPath]; n != 1 {
		t.Fatalf("%d submits after a 500, want 1: a maybe-charged submit is never resent", n)
	}
}

func TestInvalidInputFailsBeforeSending(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	ctx := context.Background()
	cases := []struct {
		name string
		call func() error
		says string
	}{
		{"bad id", func() error {
			_, err := c.Submit(ctx, pubrio.Request{People: []string{ids[0], "not-a-uuid"}, Types: pubrio.Phone})
			return err
		}, `index 1 "not-a-uuid"`},
		{"NUL in an id", func() error {
			_, err := c.Submit(ctx, pubrio.Request{People: []string{ids[0] + "\x00x"}, Types: pubrio.Phone})
			return err
		}, "NUL"},
		{"no people", func() error {
			_, err := c.SubmitAndWait(ctx, pubrio.Request{Types: pubrio.Phone}, nil)
			return err
		}, "people"},
		{"no contact type", func() error {
			_, err := c.Submit(ctx, pubrio.Request{People: ids})
			return err
		}, "type"},
		{"unknown contact type bit", func() error {
			_, err := c.Submit(ctx, pubrio.Request{People: ids, Types: 8})
			return err
		}, "type"},
		{"negative profile id", func() error {
			_, err := c.Submit(ctx, pubrio.Request{People: ids, Types: pubrio.Phone, ProfileID: pubrio.Int64(-1)})
			return err
		}, "profile"},
		{"bad query id", func() error { _, err := c.Query(ctx, "42"); return err }, "42"},
		{"bad wait id", func() error { _, err := c.Wait(ctx, "nope", nil); return err }, "nope"},
		{"bad wait options", func() error {
			_, err := c.Wait(ctx, ids[0], &pubrio.WaitOptions{MinDelay: time.Second, MaxDelay: time.Millisecond})
			return err
		}, ""},
		{"bad bulk id", func() error {
			_, err := c.StartBulk(ctx, pubrio.Phone, []string{ids[0], ids[1], "zz"}, nil)
			return err
		}, "zz"},
		{"bad bulk batch size", func() error {
			_, err := c.StartBulk(ctx, pubrio.Phone, ids, &pubrio.BulkOptions{BatchSize: 101})
			return err
		}, ""},
	}
	for _, tc := range cases {
		err := tc.call()
		var perr *pubrio.Error
		if !errors.Is(err, pubrio.ErrInvalidArgument) || !errors.As(err, &perr) {
			t.Errorf("%s: err %v, want ErrInvalidArgument", tc.name, err)
			continue
		}
		if !strings.Contains(perr.Message, tc.says) || perr.Attempts != 0 {
			t.Errorf("%s: message %q (attempts %d) should name %q", tc.name, perr.Message, perr.Attempts, tc.says)
		}
	}
	if s := f.stats(); s.Total != 0 {
		t.Fatalf("bad input sent %d requests: %v", s.Total, s.Requests)
	}
	if c.RequestsSent() != 0 {
		t.Fatalf("the client counts %d requests sent", c.RequestsSent())
	}
}

func TestBadOptionsAndNoKey(t *testing.T) {
	for name, opt := range map[string]pubrio.Option{
		"timeout 0":     pubrio.WithTimeouts(0, time.Second),
		"ftp URL":       pubrio.WithBaseURL("ftp://example.com"),
		"0 attempts":    pubrio.WithRetry(0, 0, 0),
		"header break":  pubrio.WithHeader("X-A", "a\r\nb"),
		"NUL in key":    pubrio.WithAPIKey("k\x00ey"),
		"library's hdr": pubrio.WithHeader("pubrio-api-key", "x"),
	} {
		c, err := pubrio.NewClient(pubrio.WithAPIKey("test-key"), opt)
		if c != nil || !errors.Is(err, pubrio.ErrInvalidArgument) {
			t.Errorf("%s: client %v, err %v", name, c, err)
		}
	}
	t.Setenv("PUBRIO_API_KEY", "")
	if _, err := pubrio.NewClient(); !errors.Is(err, pubrio.ErrNoAPIKey) {
		t.Fatalf("no key: %v", err)
	}
	t.Setenv("PUBRIO_API_KEY", "from-env")
	t.Setenv("PUBRIO_BASE_URL", "http://127.0.0.1:9/gw")
	c, err := pubrio.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.BaseURL() != "http://127.0.0.1:9/gw" {
		t.Fatalf("base URL %q, want PUBRIO_BASE_URL's", c.BaseURL())
	}
}

// A context cancelled while a wait polls a batch that never completes ends
// the call within a fraction of a second, not at the wait's 10-minute
// deadline, and the client works afterwards.
func TestContextCancelEndsAHungWait(t *testing.T) {
	f := startFake(t, "--estimated-time", "0", "--complete-after-polls", "1000000")
	c := newClient(t, f)
	job, err := c.Submit(context.Background(), pubrio.Request{People: ids, Types: pubrio.Phone})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	last, err := c.Wait(ctx, job.RedeemQueryID, nil) // default: 10 min deadline, 1-30 s delays
	elapsed := time.Since(start)
	if !errors.Is(err, context.Canceled) || !errors.Is(err, pubrio.ErrCancelled) {
		t.Fatalf("err %v, want context.Canceled and ErrCancelled", err)
	}
	if elapsed > 1300*time.Millisecond {
		t.Fatalf("the wait ended %v after the start, %v after the cancel", elapsed, elapsed-300*time.Millisecond)
	}
	if last == nil || last.Query.IsCompleted || last.Query.RedeemQueryID != job.RedeemQueryID {
		t.Fatalf("last state %+v, want the incomplete batch", last)
	}
	if _, err := c.Query(context.Background(), job.RedeemQueryID); err != nil {
		t.Fatalf("the client stays cancelled after the context's cancel: %v", err)
	}
	t.Logf("cancelled wait returned %v after the cancel", elapsed-300*time.Millisecond)
}

// A deadline ends a hung server's answer too: the transfer is cut.
func TestContextDeadlineCutsAHungRequest(t *testing.T) {
	f := startFake(t, "--latency-ms", "20000")
	c := newClient(t, f, pubrio.WithTimeouts(5*time.Second, 60*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Query(ctx, ids[0])
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, pubrio.ErrCancelled) {
		t.Fatalf("err %v, want DeadlineExceeded", err)
	}
	if !strings.HasSuffix(err.Error(), "(context deadline exceeded)") {
		t.Fatalf("message %q does not say the context ended the call", err.Error())
	}
	if elapsed := time.Since(start); elapsed > 1300*time.Millisecond {
		t.Fatalf("the call took %v against a 300 ms deadline", elapsed)
	}
}

// Cancelled during SubmitAndWait's wait: the credits were spent, so the
// error names the paid batch to collect, and nothing is submitted again.
func TestCancelAfterSubmitNamesThePaidBatch(t *testing.T) {
	f := startFake(t, "--estimated-time", "0", "--complete-after-polls", "1000000")
	c := newClient(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	_, err := c.SubmitAndWait(ctx, pubrio.Request{People: ids, Types: pubrio.Phone}, nil)
	var perr *pubrio.Error
	if !errors.As(err, &perr) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if perr.SubmitState != pubrio.SubmitAccepted || len(perr.RedeemQueryID) != 36 ||
		!strings.Contains(perr.Message, perr.RedeemQueryID) {
		t.Fatalf("error %+v should name the paid batch", perr)
	}
	if n := f.stats().Requests[submitPath]; n != 1 {
		t.Fatalf("%d submits", n)
	}
}

func TestDoneContextSendsNothing(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Submit(ctx, pubrio.Request{People: ids, Types: pubrio.Phone})
	var perr *pubrio.Error
	if !errors.Is(err, context.Canceled) || !errors.As(err, &perr) || perr.SubmitState != pubrio.SubmitNotSpent {
		t.Fatalf("err %v", err)
	}
	if _, err := c.StartBulk(ctx, pubrio.Phone, ids, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("bulk: %v", err)
	}
	if s := f.stats(); s.Total != 0 {
		t.Fatalf("%d requests sent with a done context", s.Total)
	}
}

func TestClosedClient(t *testing.T) {
	f := startFake(t)
	c := newClient(t, f)
	c.Close()
	c.Close() // twice is fine
	if _, err := c.Query(context.Background(), ids[0]); !errors.Is(err, pubrio.ErrClosed) {
		t.Fatalf("err %v, want ErrClosed", err)
	}
}

// One client shared by goroutines: calls are serialised, all succeed (run
// with -race).
func TestConcurrentCallsOnOneClient(t *testing.T) {
	f := startFake(t, "--estimated-time", "0")
	c := newClient(t, f)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			for i := 0; i < 10; i++ {
				if _, err := c.SubmitAndWait(ctx, pubrio.Request{People: ids[:1], Types: pubrio.Phone}, fast); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s := f.stats(); s.Requests[submitPath] != 40 {
		t.Fatalf("%d submits, want 40", s.Requests[submitPath])
	}
}

func bulkIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("20000000-0000-4000-8000-%012d", i)
	}
	return out
}

func TestBulkRunYieldsEachPersonOnce(t *testing.T) {
	f := startFake(t, "--estimated-time", "0", "--complete-after-polls", "1")
	c := newClient(t, f)
	people := bulkIDs(250)
	run, err := c.StartBulk(context.Background(), pubrio.EmailWork, append(people, people[7]),
		&pubrio.BulkOptions{Wait: fast})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	if s := run.Stats(); s.People != 250 || s.Duplicates != 1 || s.Batches != 3 || s.Requests != 0 {
		t.Fatalf("dry run %+v", s)
	}
	seen := map[string]int{}
	accepted := map[string]int{}
	for run.Next() {
		ev := run.Event()
		switch ev.Kind {
		case pubrio.EventPerson:
			seen[ev.Person.ID]++
			if len(ev.Person.Emails) == 1 && ev.Person.Emails[0].Value != "w."+ev.Person.ID[:8]+"@work.example" {
				t.Fatalf("person %+v", ev.Person)
			}
		case pubrio.EventBatchAccepted:
			accepted[ev.RedeemQueryID] = len(ev.People)
			if ev.Job == nil || ev.Job.RedeemQueryID != ev.RedeemQueryID || ev.PeopleCount != len(ev.People) {
				t.Fatalf("accepted %+v", ev)
			}
		}
	}
	if err := run.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 250 {
		t.Fatalf("%d people handed out, want 250", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("%s handed out %d times", id, n)
		}
	}
	if len(accepted) != 3 || accepted[firstKey(accepted)] == 0 {
		t.Fatalf("accepted batches %v", accepted)
	}
	total := 0
	for _, n := range accepted {
		total += n
	}
	s := run.Stats()
	if total != 250 || s.PeopleCollected != 250 || s.BatchesCollected != 3 || len(run.Uncollected()) != 0 {
		t.Fatalf("%d people in accepted batches, stats %+v", total, s)
	}
	if fs := f.stats(); fs.PeopleSubmitted != 250 || fs.MaxSubmitsPerPerson != 1 {
		t.Fatalf("the server saw %d people, one of them %d times", fs.PeopleSubmitted, fs.MaxSubmitsPerPerson)
	}
	if run.Next() {
		t.Fatal("Next after the end")
	}
}

func firstKey(m map[string]int) string {
	for k := range m {
		return k
	}
	return ""
}

// Cancelling a run's context stops it within a fraction of a second and
// names every batch paid for and not collected.
func TestBulkCancelNamesTheUncollectedBatches(t *testing.T) {
	f := startFake(t, "--estimated-time", "0", "--complete-after-polls", "1000000")
	c := newClient(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	run, err := c.StartBulk(ctx, pubrio.Phone, bulkIDs(250), nil)
	if err != nil {
		t.Fatal(err)
	}
	accepted := map[string]int{}
	var cancelledAt time.Time
	for run.Next() {
		if ev := run.Event(); ev.Kind == pubrio.EventBatchAccepted {
			accepted[ev.RedeemQueryID] = ev.PeopleCount
			if len(accepted) == 3 {
				cancelledAt = time.Now()
				cancel()
			}
		}
	}
	if since := time.Since(cancelledAt); since > time.Second {
		t.Fatalf("the run went on %v after the cancel", since)
	}
	if !errors.Is(run.Err(), context.Canceled) || !errors.Is(run.Err(), pubrio.ErrCancelled) {
		t.Fatalf("err %v", run.Err())
	}
	run.Close()
	got := map[string]int{}
	for _, b := range run.Uncollected() { // still answered after Close
		got[b.RedeemQueryID] = b.People
	}
	if fmt.Sprint(got) != fmt.Sprint(accepted) {
		t.Fatalf("uncollected %v, accepted %v", got, accepted)
	}
	if _, err := c.Query(context.Background(), firstKey(accepted)); err != nil {
		t.Fatalf("the client stays cancelled after the run: %v", err)
	}
}
