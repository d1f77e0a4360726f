// Package pubrio is the Go binding of libpubrio, a client for Pubrio's batch
// redeem API: submit people (people_search_id UUIDs) to unlock their emails
// and phones, then collect the contacts.
//
// It calls the installed C library through cgo and pkg-config (the Debian
// package libpubrio-dev, or `cmake --install` with PKG_CONFIG_PATH set), so
// every rule of the library holds here too: input is checked before anything
// is sent, a submit (which spends credits) is sent once per call and never
// repeated unless the server provably refused it, and a paid batch's id is
// never lost.
//
//	client, err := pubrio.NewClient() // PUBRIO_API_KEY, PUBRIO_BASE_URL
//	if err != nil { ... }
//	defer client.Close()
//	result, err := client.SubmitAndWait(ctx, pubrio.Request{People: ids, Types: pubrio.Phone}, nil)
//
// Every call takes a context.Context: when it is done, the call in progress
// is cancelled within milliseconds (pubrio_client_cancel) and its error
// matches both context.Canceled (or context.DeadlineExceeded) and
// ErrCancelled. Errors are *Error values carrying the typed status, the HTTP
// status, the API's message, the request id and, for a submit, what became
// of the credits; errors.Is(err, pubrio.ErrBadRequest) and errors.As work.
//
// Any number of people go through a bulk run (Client.StartBulk), an iterator
// in the style of sql.Rows: for run.Next() { ev := run.Event() }.
package pubrio
