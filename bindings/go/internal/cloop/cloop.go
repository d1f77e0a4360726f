// Package cloop is the C side of the overhead benchmark: the same submits
// as the Go binding makes, looped in C, so the difference is what Go and cgo
// add.
package cloop

/*
#cgo pkg-config: libpubrio
#include <pubrio/pubrio.h>
#include <stdlib.h>
#include <time.h>

static pubrio_client *cloop_open(const char *url) {
  pubrio_client *c = NULL;
  if (pubrio_client_new(&c, "test-key", NULL) != PUBRIO_OK)
    return NULL;
  if (pubrio_client_set_base_url(c, url, NULL) != PUBRIO_OK) {
    pubrio_client_free(c);
    return NULL;
  }
  return c;
}

// What one Client.Submit does: a request of n people, one contact type, a
// submit, the job freed. Returns the nanoseconds the calls took, -1 on a
// failure.
static long long cloop_submits(pubrio_client *c, const char *const *ids,
                               size_t n, int calls) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < calls; i++) {
    pubrio_error err = {0};
    pubrio_batch_request *req = NULL;
    pubrio_batch_job *job = NULL;
    int ok = pubrio_batch_request_new(&req, &err) == PUBRIO_OK &&
             pubrio_batch_request_add_people(req, ids, n, &err) == PUBRIO_OK &&
             pubrio_batch_request_add_contact_types(
                 req, PUBRIO_CONTACT_EMAIL_WORK, &err) == PUBRIO_OK &&
             pubrio_redeem_people_batch(c, req, &job, &err) == PUBRIO_OK;
    pubrio_batch_job_free(job);
    pubrio_batch_request_free(req);
    pubrio_error_clear(&err);
    if (!ok)
      return -1;
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  return (long long)(b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
}
*/
import "C"

import (
	"errors"
	"time"
	"unsafe"
)

// Loop is a C client and a C array of ids.
type Loop struct {
	client *C.pubrio_client
	ids    **C.char
	n      int
}

// Open makes a C client on url (key "test-key") for ids.
func Open(url string, ids []string) (*Loop, error) {
	u := C.CString(url)
	defer C.free(unsafe.Pointer(u))
	client := C.cloop_open(u)
	if client == nil {
		return nil, errors.New("cloop: no client")
	}
	array := (**C.char)(C.malloc(C.size_t(len(ids)) * C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	for i, id := range ids {
		unsafe.Slice(array, len(ids))[i] = C.CString(id)
	}
	return &Loop{client: client, ids: array, n: len(ids)}, nil
}

// Submits makes calls submits in C and returns the time they took.
func (l *Loop) Submits(calls int) (time.Duration, error) {
	ns := C.cloop_submits(l.client, l.ids, C.size_t(l.n), C.int(calls))
	if ns < 0 {
		return 0, errors.New("cloop: a submit failed")
	}
	return time.Duration(ns), nil
}

// Close frees the client and the ids.
func (l *Loop) Close() {
	for _, s := range unsafe.Slice(l.ids, l.n) {
		C.free(unsafe.Pointer(s))
	}
	C.free(unsafe.Pointer(l.ids))
	C.pubrio_client_free(l.client)
}
