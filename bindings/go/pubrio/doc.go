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
// A Request is one batch: up to 100 people_search_ids and the contact types
// to unlock, or-ed (pubrio.EmailWork | pubrio.Phone), with an optional
// ProfileID. Client.Submit sends it (spending credits, once) and returns
// the Job, whose RedeemQueryID Client.Wait collects:
//
//	req := pubrio.Request{People: ids, Types: pubrio.EmailWork | pubrio.Phone}
//	job, err := client.Submit(ctx, req)
//	if err != nil { ... } // perr.SubmitState says whether credits were spent
//	result, err := client.Wait(ctx, job.RedeemQueryID, nil)
//
// Client.Profile reads the balance, the prices and the plan, Client.Usage
// the request quotas (both free). WithLogger sends the library's log lines
// to a *slog.Logger (or any Logger): pubrio.WithLogger(slog.Default(),
// pubrio.LogInfo).
//
// Client.Lookup resolves the lists people hold (an email, a phone, or a
// name with a domain or a company) to people_search_ids, an answer per
// entry in entry order; it spends credits once per request, like Submit,
// and a failure after the entries were checked is a *LookupError naming the
// failed entries, the answers received returned beside it:
//
//	req := pubrio.LookupRequest{Entries: []pubrio.LookupEntry{{Email: email}, {Phone: phone}}}
//	result, err := client.Lookup(ctx, req)
//	for i, a := range result.Answers { ... } // a.Outcome, a.PeopleSearchID, a.Confidence
//
// Every call takes a context.Context: when it is done, the call in progress
// is cancelled within milliseconds (pubrio_client_cancel) and its error
// matches both context.Canceled (or context.DeadlineExceeded) and
// ErrCancelled. Errors are *Error values carrying the typed status, the HTTP
// status, the API's message, the request id and, for a submit, what became
// of the credits; errors.Is(err, pubrio.ErrBadRequest) and errors.As work.
//
// Any number of people go through a bulk run (Client.StartBulk), an iterator
// in the style of sql.Rows: for run.Next() { ev := run.Event() }. However
// the loop is left (a break, a return, a panic, Client.Close, a done
// context, a run dropped and garbage collected), Bulk.Close lets the
// submits in flight finish, hands back in Bulk.Drained the people collected
// and not handed out, and names what is paid and not delivered
// (Bulk.Uncollected, Bulk.Uncertain, and an error matching ErrLeftover).
// Ctrl-C becomes the run's first stop through its context:
//
//	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
//	defer stop()
//	run, err := client.StartBulk(ctx, pubrio.Phone, ids, nil)
//	if err != nil { ... }
//	for run.Next() { ... } // Ctrl-C: Next returns false, Err matches context.Canceled
//	if err := run.Close(); errors.Is(err, pubrio.ErrLeftover) {
//		log.Print(err) // the batches to collect with Client.Wait, the people maybe charged
//	}
//	for _, ev := range run.Drained() { ... } // paid for: handed back here
//
// A bulk run also takes lookup entries beside its ids (Bulk.AddLookups,
// the LookupRequest Client.Lookup takes, before the first Next): they are
// looked up first, each person found is bought once for the run's types,
// and each entry's event names it in BulkEvent.Lookup (its index, the
// entry, the confidence and the outcome). With a journal, a rerun asks no
// lookup again:
//
//	run, err := client.StartBulk(ctx, pubrio.Phone, ids, &pubrio.BulkOptions{Journal: path})
//	err = run.AddLookups(pubrio.LookupRequest{Entries: entries, Similarity: true})
//	for run.Next() {
//		if l := run.Event().Lookup; l != nil { ... } // l.Index, l.Entry, l.Outcome, l.Confidence
//	}
package pubrio
