package pubrio_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeServer is tests/fake_server's pubrio-fake-server, started on a free
// port of 127.0.0.1 for one test.
type fakeServer struct {
	URL string
	t   testing.TB
}

const (
	submitPath = "/redeem/people/batch"
	queryPath  = "/redeem/people/batch/query"
)

// startFake runs the fake server with args for one test; it stops when the
// test ends.
func startFake(t testing.TB, args ...string) *fakeServer {
	t.Helper()
	url, stop, err := launchFake(args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return &fakeServer{URL: url, t: t}
}

// launchFake runs $PUBRIO_FAKE_SERVER (default: the build tree's) with args
// on a free port; it prints its URL first thing.
func launchFake(args ...string) (url string, stop func(), err error) {
	binary := os.Getenv("PUBRIO_FAKE_SERVER")
	if binary == "" {
		binary = filepath.Join("..", "..", "..", "build", "tests", "pubrio-fake-server")
	}
	if _, err := os.Stat(binary); err != nil {
		return "", nil, fmt.Errorf("no fake server at %s (build the C tree, or set PUBRIO_FAKE_SERVER): %w", binary, err)
	}
	cmd := exec.Command(binary, append([]string{"--port", "0"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	// Its stderr is not the test's: a server outliving a killed test would
	// hold `go test`'s pipe open. And it dies with the test process.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case url = <-line:
		if !strings.HasPrefix(url, "http://127.0.0.1:") {
			stop()
			return "", nil, fmt.Errorf("fake server printed %q, not its URL", url)
		}
		return url, stop, nil
	case <-time.After(10 * time.Second):
		stop()
		return "", nil, errors.New("fake server did not print its URL within 10 s")
	}
}

type fakeStats struct {
	Requests            map[string]int `json:"requests"`
	Total               int            `json:"total"`
	PeopleSubmitted     int            `json:"people_submitted"`
	MaxSubmitsPerPerson int            `json:"max_submits_per_person"`
	LastSubmitBody      string         `json:"last_submit_body"`
	Credit              int64          `json:"credit"`
}

// stats is what the server saw (GET /_fake/stats; control requests are not
// counted).
func (f *fakeServer) stats() fakeStats {
	f.t.Helper()
	resp, err := http.Get(f.URL + "/_fake/stats")
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	var s fakeStats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// script makes the next `times` requests to path get this answer
// (POST /_fake/reply).
func (f *fakeServer) script(path string, status int, body string, times int) {
	f.t.Helper()
	f.scriptReply(map[string]interface{}{"path": path, "status": status, "body": body, "times": times})
}

// faultProcessThenClose is tests/fake_server's FAKE_FAULT_PROCESS_THEN_CLOSE:
// the request is acted on as the API would (charged), then its connection
// closed with no answer.
const faultProcessThenClose = 3

// scriptReply scripts an answer with any of POST /_fake/reply's fields
// ("fault", "delay_ms", ...).
func (f *fakeServer) scriptReply(reply map[string]interface{}) {
	f.t.Helper()
	spec, _ := json.Marshal(reply)
	resp, err := http.Post(f.URL+"/_fake/reply", "application/json", bytes.NewReader(spec))
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		f.t.Fatalf("scripting the fake server: HTTP %d", resp.StatusCode)
	}
}
