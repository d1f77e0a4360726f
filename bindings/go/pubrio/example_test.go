package pubrio_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"testing"

	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

// TestMain gives the examples below, which take no *testing.T, a fake
// server of their own in PUBRIO_BASE_URL, as a user's environment would.
func TestMain(m *testing.M) {
	url, stop, err := launchFake("--estimated-time", "0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("PUBRIO_BASE_URL", url)
	os.Setenv("PUBRIO_API_KEY", "test-key")
	code := m.Run()
	stop()
	os.Exit(code)
}

func ExampleRedeem() {
	result, err := pubrio.Redeem(context.Background(), pubrio.EmailWork|pubrio.Phone,
		"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11")
	if err != nil {
		log.Fatal(err)
	}
	for _, person := range result.People {
		fmt.Println(person.ID, person.Emails, person.Phones)
	}
	// Output: 540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 [w.540574d1@work.example] [+15552667756]
}

func ExampleClient_StartBulk() {
	client, err := pubrio.NewClient() // PUBRIO_API_KEY, PUBRIO_BASE_URL
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()
	ids := []string{"540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11", "0a9b7c6d-1e2f-4a5b-8c7d-6e5f4a3b2c1d"}
	ctx := context.Background()

	run, err := client.StartBulk(ctx, pubrio.Phone, ids, &pubrio.BulkOptions{MaxCredits: pubrio.Int64(1000)})
	if err != nil {
		log.Fatal(err)
	}
	defer run.Close()
	for run.Next() {
		if ev := run.Event(); ev.Kind == pubrio.EventPerson {
			fmt.Println(ev.Person.ID, ev.Person.Phones)
		}
	}
	if err := run.Err(); err != nil {
		fmt.Println(err, "paid, not collected:", run.Uncollected())
	}
	// Unordered output:
	// 540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11 [+15552667756]
	// 0a9b7c6d-1e2f-4a5b-8c7d-6e5f4a3b2c1d [+15558936037]
}
