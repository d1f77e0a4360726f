package pubrio_test

// LinkedIn profile URLs over real HTTP to the fake server (it resolves a
// URL's /in/ slug to an id, and finds nobody for slugs starting with
// "nobody"): Bulk.AddLinkedInURLs redeems each URL alone before any batch
// and buys a person named by a URL and an id once; RedeemPerson is the
// single redeem.

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

const (
	singlePath = "/redeem/people"
	janeURL    = "https://www.linkedin.com/in/jane-doe"
	nobodyURL  = "https://www.linkedin.com/in/nobody-here"
)

// resolvedID is the id the fake gives the person of url, asked of a server
// of its own so the run under test starts from nothing.
func resolvedID(t *testing.T, url string) string {
	t.Helper()
	f := startFake(t, "--estimated-time", "0")
	res, err := newClient(t, f).RedeemPerson(context.Background(),
		pubrio.PersonRequest{LinkedInURL: url, Types: pubrio.Phone})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.People) != 1 {
		t.Fatalf("%s: %+v", url, res.People)
	}
	return res.People[0].ID
}

func TestBulkURLAndIDOfOnePersonAreBoughtOnce(t *testing.T) {
	jane := resolvedID(t, janeURL)
	other := ids[0]
	f := startFake(t, "--estimated-time", "0")
	c := newClient(t, f)
	run, err := c.StartBulk(context.Background(), pubrio.Phone, []string{jane, other},
		&pubrio.BulkOptions{Wait: fast})
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	// Two spellings of one profile, and a URL naming nobody.
	if err := run.AddLinkedInURLs([]string{"http://uk.linkedin.com/in/Jane-Doe/?trk=x", janeURL, nobodyURL}); err != nil {
		t.Fatal(err)
	}
	if s := run.Stats(); s.LinkedInURLs != 2 || s.LinkedInURLsToRedeem != 2 || s.Duplicates != 1 || s.Requests != 0 {
		t.Fatalf("dry run %+v", s)
	}
	var byURL, byID, notFound []string
	fromStore := 0
	for run.Next() {
		ev := run.Event()
		switch ev.Kind {
		case pubrio.EventPerson:
			if ev.LinkedInURL != "" {
				if ev.FromStore || len(ev.Person.Phones) == 0 {
					t.Fatalf("by URL: %+v", ev)
				}
				byURL = append(byURL, ev.LinkedInURL+" "+ev.Person.ID)
			} else {
				byID = append(byID, ev.Person.ID)
				if ev.FromStore {
					fromStore++
				}
			}
		case pubrio.EventNotFound:
			notFound = append(notFound, ev.LinkedInURL)
		case pubrio.EventBatchFailed:
			t.Fatalf("failed: %+v", ev)
		}
	}
	if err := run.Err(); err != nil {
		t.Fatal(err)
	}
	if len(byURL) != 1 || byURL[0] != janeURL+" "+jane {
		t.Fatalf("by URL %v", byURL)
	}
	sort.Strings(byID)
	want := []string{jane, other}
	sort.Strings(want)
	if strings.Join(byID, ",") != strings.Join(want, ",") || fromStore != 1 {
		t.Fatalf("by id %v (%d from the store)", byID, fromStore)
	}
	if len(notFound) != 1 || notFound[0] != nobodyURL {
		t.Fatalf("not found %v", notFound)
	}
	// The id the URL bought is known; the account was read (prices,
	// balance) before the first request.
	if s := run.Stats(); s.LinkedInURLsRedeemed != 2 || s.LinkedInURLsNotFound != 1 ||
		s.PeopleKnown != 1 || !s.PricesKnown || !s.HasBalance || s.Balance <= 0 {
		t.Fatalf("stats %+v", s)
	}
	st := f.stats()
	if st.Requests[singlePath] != 2 || st.Requests[submitPath] != 1 || st.MaxSubmitsPerPerson != 1 {
		t.Fatalf("requests %v, max submits a person %d", st.Requests, st.MaxSubmitsPerPerson)
	}
	if !strings.Contains(st.LastSubmitBody, other) || strings.Contains(st.LastSubmitBody, jane) {
		t.Fatalf("the batch holds the URL's person again: %s", st.LastSubmitBody)
	}
}

func TestBulkBadURLIsRefusedBeforeSending(t *testing.T) {
	f := startFake(t, "--estimated-time", "0")
	c := newClient(t, f)
	run, err := c.StartBulk(context.Background(), pubrio.Phone, ids[:1], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	err = run.AddLinkedInURLs([]string{janeURL, "https://linkedin.com.evil.example/in/x"})
	var e *pubrio.Error
	if !errors.As(err, &e) || e.Status != pubrio.ErrInvalidArgument || !strings.Contains(e.Message, "index 1") {
		t.Fatalf("err %v", err)
	}
	if err := run.AddLinkedInURLs([]string{"https://www.linkedin.com/in/a\x00b"}); !errors.Is(err, pubrio.ErrInvalidArgument) {
		t.Fatalf("NUL: %v", err)
	}
	if s := run.Stats(); s.LinkedInURLs != 0 {
		t.Fatalf("all or nothing: %+v", s)
	}
	if n := f.stats().Total; n != 0 {
		t.Fatalf("%d requests sent", n)
	}
}

func TestRedeemPersonByIDByURLAndNobody(t *testing.T) {
	f := startFake(t, "--estimated-time", "0")
	c := newClient(t, f)
	ctx := context.Background()
	one, err := c.RedeemPerson(ctx, pubrio.PersonRequest{PeopleSearchID: ids[0], Types: pubrio.EmailWork})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.People) != 1 || one.People[0].ID != ids[0] || len(one.People[0].Emails) != 1 ||
		one.People[0].Emails[0].Value != "w.540574d1@work.example" || !one.Query.IsCompleted || !one.HasTotalChargedCredit {
		t.Fatalf("by id %+v", one)
	}
	nobody, err := c.RedeemPerson(ctx, pubrio.PersonRequest{LinkedInURL: nobodyURL, Types: pubrio.Phone})
	if err != nil || len(nobody.People) != 0 {
		t.Fatalf("nobody %+v %v", nobody, err)
	}
	for _, bad := range []pubrio.PersonRequest{
		{Types: pubrio.Phone}, // neither
		{PeopleSearchID: ids[0], LinkedInURL: janeURL, Types: pubrio.Phone}, // both
		{LinkedInURL: "https://example.com/in/x", Types: pubrio.Phone},
	} {
		if _, err := c.RedeemPerson(ctx, bad); !errors.Is(err, pubrio.ErrInvalidArgument) {
			t.Fatalf("%+v: %v", bad, err)
		}
	}
	if n := f.stats().Requests[singlePath]; n != 2 {
		t.Fatalf("%d single redeems, want 2", n)
	}
}
