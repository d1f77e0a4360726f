package pubrio_test

// Leaving a bulk run, every way a Go program leaves one: however the loop
// is left, what the fake server was paid for is handed out by Next, handed
// back by Drained, or named (Uncollected, Uncertain, Close's error), and
// nothing is submitted twice. `scripts/go_test.sh` runs these, also under
// -race; alone: go test -run TestLeaving ./pubrio/ (in bindings/go).

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

// leaving runs 20 batches of 10 with 4 requests in flight, every answer
// 100 ms late, and leaves the loop at one of two moments: the second batch
// accepted (submits in flight: the close lets them finish and names their
// batches) or the fifth person handed out (the rest of that batch queued:
// the close keeps it for Drained; polls in flight). With as many batches
// as requests in flight, the drain could collect them all and leave
// nothing to name.
type leaving struct {
	t        *testing.T
	f        *fakeServer
	c        *pubrio.Client
	log      *recorder
	handed   map[string]bool
	accepted int
	atPerson bool // leave at the fifth person, else at the second batch
}

// moments runs test at each moment of leaving.
func moments(t *testing.T, test func(t *testing.T, l *leaving)) {
	for _, atPerson := range []bool{false, true} {
		name := map[bool]string{false: "submits_in_flight", true: "people_queued"}[atPerson]
		t.Run(name, func(t *testing.T) {
			l := newLeaving(t)
			l.atPerson = atPerson
			test(t, l)
		})
	}
}

func newLeaving(t *testing.T) *leaving {
	f := startFake(t, "--estimated-time", "0", "--complete-after-polls", "2", "--latency-ms", "100")
	rec := &recorder{}
	return &leaving{t: t, f: f, log: rec, handed: map[string]bool{},
		c: newClient(t, f, pubrio.WithLogger(rec, pubrio.LogWarn))}
}

func (l *leaving) start(ctx context.Context) *pubrio.Bulk {
	run, err := l.c.StartBulk(ctx, pubrio.EmailWork, bulkIDs(200),
		&pubrio.BulkOptions{BatchSize: 10, MaxInFlight: 4, Wait: fast})
	if err != nil {
		l.t.Fatal(err)
	}
	return run
}

// next is run.Next, counting the people handed out; it says when the
// moment to leave the loop has come.
func (l *leaving) next(run *pubrio.Bulk) (more, leaveNow bool) {
	if !run.Next() {
		return false, false
	}
	switch ev := run.Event(); ev.Kind {
	case pubrio.EventPerson:
		if l.handed[ev.Person.ID] {
			l.t.Errorf("%s handed out twice", ev.Person.ID)
		}
		l.handed[ev.Person.ID] = true
		return true, l.atPerson && len(l.handed) == 5
	case pubrio.EventBatchAccepted:
		l.accepted++
		return true, !l.atPerson && l.accepted == 2
	}
	return true, false
}

// balance checks paid == handed out + drained + named, over the fake
// server's own count, and that Close's error says the same.
func (l *leaving) balance(drained []pubrio.BulkEvent, uncollected []pubrio.UncollectedBatch, uncertain []string, closeErr error) {
	t := l.t
	t.Helper()
	s := l.f.stats()
	kept := 0
	for _, ev := range drained {
		if ev.Kind != pubrio.EventPerson {
			continue
		}
		if l.handed[ev.Person.ID] {
			t.Errorf("%s both handed out and drained", ev.Person.ID)
		}
		kept++
	}
	named := len(uncertain)
	for _, b := range uncollected {
		named += b.People
	}
	t.Logf("paid %d = handed out %d + drained %d + named %d (%d batches uncollected, %d uncertain)",
		s.PeopleSubmitted, len(l.handed), kept, named, len(uncollected), len(uncertain))
	if s.PeopleSubmitted != len(l.handed)+kept+named {
		t.Fatalf("paid %d != handed out %d + drained %d + named %d", s.PeopleSubmitted, len(l.handed), kept, named)
	}
	if s.MaxSubmitsPerPerson > 1 {
		t.Fatalf("a person was submitted %d times", s.MaxSubmitsPerPerson)
	}
	if kept+named == 0 {
		t.Fatal("the run was left with nothing in flight: this test proves nothing")
	}
	var left *pubrio.LeftoverError
	if !errors.Is(closeErr, pubrio.ErrLeftover) || !errors.As(closeErr, &left) {
		t.Fatalf("Close: %v, want a *LeftoverError", closeErr)
	}
	if left.Drained != len(drained) || len(left.Uncollected) != len(uncollected) || len(left.Uncertain) != len(uncertain) {
		t.Fatalf("the error names %d drained, %d batches, %d uncertain", left.Drained, len(left.Uncollected), len(left.Uncertain))
	}
	if len(uncollected) > 0 && !strings.Contains(closeErr.Error(), uncollected[0].RedeemQueryID) {
		t.Fatalf("the error does not name batch %s: %v", uncollected[0].RedeemQueryID, closeErr)
	}
	if strings.Contains(closeErr.Error(), "pubrio_") || !strings.Contains(closeErr.Error(), "Client.Wait") {
		t.Fatalf("the error names a C call, or not the Go one: %v", closeErr)
	}
	if !strings.Contains(l.log.text(), "WARN pubrio: ") {
		t.Fatalf("no warning logged: %q", l.log.text())
	}
}

func (l *leaving) balanceRun(run *pubrio.Bulk, closeErr error) {
	l.t.Helper()
	st := run.Stats()
	drained, uncollected, uncertain := run.Drained(), run.Uncollected(), run.Uncertain()
	if st.PeopleKept != len(drained) || st.BatchesUncollected != len(uncollected) {
		l.t.Fatalf("stats %d kept, %d uncollected; lists %d, %d", st.PeopleKept, st.BatchesUncollected,
			len(drained), len(uncollected))
	}
	l.balance(drained, uncollected, uncertain, closeErr)
	if again := run.Close(); again != closeErr {
		l.t.Fatalf("a second Close: %v, then %v", closeErr, again)
	}
}

// The Go docs' way: defer run.Close(), then a break.
func TestLeavingByBreakWithDeferredClose(t *testing.T) {
	moments(t, func(t *testing.T, l *leaving) {
		var run *pubrio.Bulk
		var closeErr error
		func() {
			run = l.start(context.Background())
			defer func() { closeErr = run.Close() }()
			for {
				more, leave := l.next(run)
				if !more {
					t.Fatal("the run ended before the break")
				}
				if leave {
					break
				}
			}
		}()
		l.balanceRun(run, closeErr)
	})
}

func TestLeavingByAPanicInTheLoopBody(t *testing.T) {
	moments(t, func(t *testing.T, l *leaving) {
		var run *pubrio.Bulk
		var closeErr error
		func() {
			defer func() {
				if p := recover(); p != "boom" {
					t.Fatalf("recovered %v", p)
				}
			}()
			run = l.start(context.Background())
			defer func() { closeErr = run.Close() }()
			for {
				more, leave := l.next(run)
				if !more {
					t.Fatal("the run ended before the panic")
				}
				if leave {
					panic("boom")
				}
			}
		}()
		l.balanceRun(run, closeErr)
	})
}

// The client closed from the loop body: the run is closed (drained, named)
// with it, and the loop ends with ErrClosed.
func TestLeavingByClosingTheClientMidRun(t *testing.T) {
	moments(t, func(t *testing.T, l *leaving) {
		run := l.start(context.Background())
		var closeErr error
		for {
			more, leave := l.next(run)
			if !more {
				break
			}
			if leave {
				closeErr = l.c.Close()
			}
		}
		if !errors.Is(run.Err(), pubrio.ErrClosed) || closeErr == nil {
			t.Fatalf("run %v, client Close %v", run.Err(), closeErr)
		}
		l.balanceRun(run, closeErr)
	})
}

// Ctrl-C as a program gets it: SIGINT through signal.NotifyContext into
// the run's context, a first stop (the submits in flight finish, polls are
// cut), then Close hands back and names the rest.
func TestLeavingByCtrlC(t *testing.T) {
	moments(t, func(t *testing.T, l *leaving) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		run := l.start(ctx)
		var signalled time.Time
		for {
			more, leave := l.next(run)
			if !more {
				break
			}
			if leave {
				signalled = time.Now()
				if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
					t.Fatal(err)
				}
				<-ctx.Done()
			}
		}
		if since := time.Since(signalled); since > 2*time.Second {
			t.Fatalf("the run went on %v after Ctrl-C", since)
		}
		if !errors.Is(run.Err(), context.Canceled) || !errors.Is(run.Err(), pubrio.ErrCancelled) {
			t.Fatalf("err %v", run.Err())
		}
		l.balanceRun(run, run.Close())
	})
}

// A run dropped without Close is closed by its finalizer: the leftover is
// logged (with the *LeftoverError as the "err" attribute).
func TestLeavingByGarbageCollection(t *testing.T) {
	moments(t, func(t *testing.T, l *leaving) {
		func() {
			run := l.start(context.Background())
			for {
				more, leave := l.next(run)
				if !more {
					t.Fatal("the run ended before it was dropped")
				}
				if leave {
					return
				}
			}
		}()
		deadline := time.Now().Add(20 * time.Second)
		for pubrio.LiveRuns(l.c) != 0 {
			if time.Now().After(deadline) {
				t.Fatal("the finalizer did not close the run")
			}
			runtime.GC()
			time.Sleep(10 * time.Millisecond)
		}
		left := l.log.leftover()
		if left == nil {
			t.Fatalf("no *LeftoverError logged: %q", l.log.text())
		}
		// Nobody holds the run: its drained people are lost to the program
		// but counted in the log.
		drained := make([]pubrio.BulkEvent, left.Drained)
		for i := range drained {
			drained[i] = pubrio.BulkEvent{Kind: pubrio.EventPerson, Person: &pubrio.Person{ID: "kept"}}
		}
		l.balance(drained, left.Uncollected, left.Uncertain, left)
	})
}
