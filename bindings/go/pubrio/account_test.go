package pubrio_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

func TestProfileAndUsageReadTheAccount(t *testing.T) {
	f := startFake(t, "--email-price", "3", "--phone-price", "7", "--plan-name", "Scale", "--credit", "5000")
	c := newClient(t, f)
	p, err := c.Profile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !p.HasCredit || p.Credit != 5000 || p.EmailPrice != 3 || p.PhonePrice != 7 ||
		p.PlanName != "Scale" || p.APIAccess == nil || !*p.APIAccess || !p.HasProfileID {
		t.Fatalf("profile %+v", p)
	}
	u, err := c.Usage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.HourlyUsed < 0 || u.DailyUsed < 0 || u.MonthlyUsed < 0 || u.APIAccess == nil {
		t.Fatalf("usage %+v", u)
	}
	if s := f.stats(); s.Requests["/profile"] != 1 || s.Requests["/profile/usage"] != 1 {
		t.Fatalf("requests %v", s.Requests)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Profile(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("a done context: %v", err)
	}
}

// recorder is a Logger keeping what it was told, by level.
type recorder struct {
	mu    sync.Mutex
	lines []string
	args  []any
}

func (r *recorder) add(level, msg string, args []any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lines = append(r.lines, level+" "+msg)
	r.args = append(r.args, args...)
}
func (r *recorder) Debug(msg string, args ...any) { r.add("DEBUG", msg, args) }
func (r *recorder) Info(msg string, args ...any)  { r.add("INFO", msg, args) }
func (r *recorder) Warn(msg string, args ...any)  { r.add("WARN", msg, args) }
func (r *recorder) Error(msg string, args ...any) { r.add("ERROR", msg, args) }

// leftover is the *LeftoverError logged as an attribute, if any.
func (r *recorder) leftover() *pubrio.LeftoverError {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range r.args {
		if e, ok := a.(*pubrio.LeftoverError); ok {
			return e
		}
	}
	return nil
}

func (r *recorder) text() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}

func TestLoggerReceivesTheLibraryLinesAtTheirLevels(t *testing.T) {
	f := startFake(t, "--estimated-time", "0", "--complete-after-polls", "1")
	rec := &recorder{}
	c := newClient(t, f, pubrio.WithLogger(rec, pubrio.LogInfo))
	if _, err := c.SubmitAndWait(context.Background(), pubrio.Request{People: ids[:1], Types: pubrio.Phone}, fast); err != nil {
		t.Fatal(err)
	}
	f.script(queryPath, 400, `{"code":40001,"message":"bad id"}`, 1)
	if _, err := c.Query(context.Background(), ids[0]); err == nil {
		t.Fatal("the scripted 400 was not an error")
	}
	text := rec.text()
	if !strings.Contains(text, "INFO POST "+f.URL+submitPath) || !strings.Contains(text, "ERROR ") {
		t.Fatalf("log lines:\n%s", text)
	}
	if strings.Contains(text, "DEBUG") || strings.Contains(text, "test-key") {
		t.Fatalf("a body or the key was logged at LogInfo:\n%s", text)
	}
	for _, bad := range []pubrio.Option{pubrio.WithLogger(nil, pubrio.LogInfo), pubrio.WithLogger(rec, 9)} {
		if _, err := pubrio.NewClient(pubrio.WithAPIKey("k"), bad); !errors.Is(err, pubrio.ErrInvalidArgument) {
			t.Fatalf("a bad logger option: %v", err)
		}
	}
}

// A wait that fails after the submit was accepted says how to resume with
// the Go method, not with the C function.
func TestAPaidBatchsErrorNamesClientWait(t *testing.T) {
	f := startFake(t, "--estimated-time", "0", "--complete-after-polls", "1000000")
	c := newClient(t, f)
	_, err := c.SubmitAndWait(context.Background(), pubrio.Request{People: ids[:1], Types: pubrio.Phone},
		&pubrio.WaitOptions{Timeout: 200 * time.Millisecond, MinDelay: 20 * time.Millisecond, MaxDelay: 50 * time.Millisecond})
	var perr *pubrio.Error
	if !errors.As(err, &perr) || perr.SubmitState != pubrio.SubmitAccepted || perr.RedeemQueryID == "" {
		t.Fatalf("err %v", err)
	}
	if !strings.Contains(perr.Message, "resume with Client.Wait") || strings.Contains(err.Error(), "pubrio_") {
		t.Fatalf("the message names a C function or no Go method: %s", err)
	}
}

func ExampleClient_Submit() {
	client, err := pubrio.NewClient() // PUBRIO_API_KEY, PUBRIO_BASE_URL
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ctx := context.Background()

	// One batch: up to 100 people by people_search_id, and the contact types
	// to unlock. Submit spends credits, once; Wait collects.
	req := pubrio.Request{
		People: []string{"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11"},
		Types:  pubrio.EmailWork | pubrio.Phone,
	}
	job, err := client.Submit(ctx, req)
	if err != nil {
		log.Fatal(err) // errors.As(err, &perr): perr.SubmitState says if credits were spent
	}
	result, err := client.Wait(ctx, job.RedeemQueryID, nil)
	if err != nil {
		log.Fatal(err) // the batch is paid for: Wait again on job.RedeemQueryID, never resubmit
	}
	for _, person := range result.People {
		fmt.Println(person.ID, person.Emails, person.Phones)
	}
	// Output: 540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 [w.540574d1@work.example] [+15552667756]
}
