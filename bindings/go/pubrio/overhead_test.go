package pubrio_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/libpubrio/libpubrio/bindings/go/internal/cloop"
	"github.com/libpubrio/libpubrio/bindings/go/pubrio"
)

// BenchmarkOverheadVsC: the per-call cost of Client.Submit (10 people) over
// the same submit looped in C, against one fake server, in interleaved
// rounds so both sides see the same machine noise. b.N calls per side;
// reports the medians of the rounds and their ratio, with a plain and a
// cancellable context (which adds the watching goroutine).
//
//	go test -run '^$' -bench OverheadVsC -benchtime 3000x ./pubrio
//
// PUBRIO_BENCH_LATENCY_MS=N makes the server answer after N ms, as a real
// one would.
func BenchmarkOverheadVsC(b *testing.B) {
	args := []string{"--estimated-time", "0"}
	if ms := os.Getenv("PUBRIO_BENCH_LATENCY_MS"); ms != "" { // a server's think time
		args = append(args, "--latency-ms", ms)
	}
	f := startFake(b, args...)
	people := bulkIDs(10)
	c, err := pubrio.NewClient(pubrio.WithAPIKey("test-key"), pubrio.WithBaseURL(f.URL))
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	loop, err := cloop.Open(f.URL, people)
	if err != nil {
		b.Fatal(err)
	}
	defer loop.Close()
	req := pubrio.Request{People: people, Types: pubrio.EmailWork}
	cancellable, cancel := context.WithCancel(context.Background())
	defer cancel()
	goSide := func(ctx context.Context, calls int) time.Duration {
		start := time.Now()
		for i := 0; i < calls; i++ {
			if _, err := c.Submit(ctx, req); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}
	const rounds = 30
	per := b.N / rounds
	if per < 1 {
		per = 1
	}
	goSide(context.Background(), 50) // warm both connections
	if _, err := loop.Submits(50); err != nil {
		b.Fatal(err)
	}
	var cTimes, goTimes, goCtxTimes []float64
	b.ResetTimer()
	for r := 0; r < rounds; r++ {
		sides := []func(){
			func() {
				d, err := loop.Submits(per)
				if err != nil {
					b.Fatal(err)
				}
				cTimes = append(cTimes, float64(d.Microseconds())/float64(per))
			},
			func() {
				goTimes = append(goTimes, float64(goSide(context.Background(), per).Microseconds())/float64(per))
			},
			func() {
				goCtxTimes = append(goCtxTimes, float64(goSide(cancellable, per).Microseconds())/float64(per))
			},
		}
		for i := range sides { // each side goes first in turn
			sides[(r+i)%len(sides)]()
		}
	}
	b.StopTimer()
	if testing.Verbose() {
		var one []float64
		for r := 0; r < rounds; r++ {
			start := time.Now()
			for i := 0; i < per; i++ {
				if _, err := loop.Submits(1); err != nil {
					b.Fatal(err)
				}
			}
			one = append(one, float64(time.Since(start).Microseconds())/float64(per))
		}
		b.Logf("C submits one cgo call each: %.1f µs; connections: Go %d", median(one), c.ConnectionsOpened())
	}
	cMed, goMed, goCtxMed := median(cTimes), median(goTimes), median(goCtxTimes)
	b.ReportMetric(cMed, "C-µs/call")
	b.ReportMetric(goMed, "Go-µs/call")
	b.ReportMetric(goCtxMed, "Go-ctx-µs/call")
	b.ReportMetric(goMed/cMed, "Go/C")
	b.ReportMetric(goCtxMed/cMed, "Go-ctx/C")
	b.Log(fmt.Sprintf("%d calls a side in %d rounds: C %.1f µs, Go %.1f µs (%.3fx), Go with a cancellable context %.1f µs (%.3fx)",
		per*rounds, rounds, cMed, goMed, goMed/cMed, goCtxMed, goCtxMed/cMed))
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
