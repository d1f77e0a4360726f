//! A bulk run as an iterator against the fake server: every person once,
//! the counts, and the paid batches named after a stop.
mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use common::{fake_phone, ids, temp_path, FakeServer, TempFile};
use pubrio::{BulkOptions, ContactTypes, Event, Journal, Status, SubmitState};

#[test]
fn a_bulk_run_over_250_people_yields_each_once() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let people = ids(250);
    let options = BulkOptions::default().batch_size(100).rate_limit(100_000);
    let mut run = client.bulk(&people, ContactTypes::PHONE, &options).unwrap();
    let dry = run.stats();
    assert_eq!((dry.people, dry.batches, dry.requests), (250, 3, 0), "a dry run sends nothing");

    let mut seen = BTreeMap::new();
    let mut accepted = BTreeMap::new();
    let mut done = BTreeSet::new();
    for event in &mut run {
        match event.unwrap() {
            Event::BatchAccepted { batch, job, people } => {
                assert!(accepted.insert(batch, (job.redeem_query_id, people)).is_none());
            }
            Event::Person { batch, redeem_query_id, person, from_store, linkedin_url, .. } => {
                assert!(!from_store, "a run without a journal buys everyone");
                assert_eq!(linkedin_url, None, "asked by id");
                assert_eq!(accepted[&batch].0, redeem_query_id);
                let phones: Vec<_> = person.phones.iter().filter_map(|c| c.value.clone()).collect();
                assert_eq!(phones, Vec::from_iter(fake_phone(&person.people_search_id)));
                *seen.entry(person.people_search_id).or_insert(0) += 1;
            }
            Event::BatchDone { batch, .. } => assert!(done.insert(batch)),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(seen.len(), 250);
    assert!(seen.values().all(|&n| n == 1), "each person once");
    assert_eq!(seen.keys().cloned().collect::<Vec<_>>(), people);
    let sizes: Vec<_> = accepted.values().map(|(_, p)| p.len()).collect();
    assert_eq!(sizes, [100, 100, 50]);
    assert_eq!(done.len(), 3);
    assert!(run.next().is_none(), "fused after the end");

    let stats = run.stats();
    assert_eq!((stats.people_collected, stats.batches_collected), (250, 3));
    let with_phone = people.iter().filter(|id| fake_phone(id).is_some()).count();
    assert!(with_phone > 200 && with_phone < 250, "the fake has nothing for some");
    assert_eq!(stats.credits_charged, with_phone as i64);
    assert!(run.uncollected().is_empty());
    assert_eq!(fake.stat("people_submitted"), 250);
    assert_eq!(fake.stat("max_submits_per_person"), 1);
}

#[test]
fn a_stopped_run_names_every_paid_uncollected_batch() {
    let fake = FakeServer::start(&["--estimated-time", "0", "--complete-after-polls", "1000000"]);
    let mut client = fake.client();
    let cancel = client.cancel_handle();
    let options = BulkOptions::default().batch_size(100).rate_limit(100_000);
    let mut run = client.bulk(ids(250), ContactTypes::PHONE, &options).unwrap();
    let mut accepted = BTreeMap::new();
    let mut stopped = None;
    for event in &mut run {
        match event {
            Ok(Event::BatchAccepted { job, people, .. }) => {
                // Once: the first cancel drains what is in flight, a
                // second would cut it (leaving submits uncertain).
                if accepted.is_empty() {
                    cancel.cancel();
                }
                accepted.insert(job.redeem_query_id, people.len());
            }
            Ok(other) => panic!("nothing completes here: {other:?}"),
            Err(e) => stopped = Some(e),
        }
    }
    assert_eq!(stopped.expect("the run stopped").status, Status::Cancelled);
    assert!(!accepted.is_empty());
    let uncollected: BTreeMap<_, _> =
        run.uncollected().into_iter().map(|u| (u.redeem_query_id, u.people_count)).collect();
    assert_eq!(uncollected, accepted, "every paid batch is named, with its people");
    assert_eq!(run.stats().batches_collected, 0);
    // A first cancel drains: every submit that reached the fake was
    // answered and is named above (none left uncertain).
    assert_eq!(fake.stat("/redeem/people/batch") as usize, accepted.len());
    assert_eq!(run.stats().people_left_uncertain, 0);
}

#[test]
fn a_bad_id_fails_the_bulk_run_before_anything_is_sent() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    let mut people = ids(10);
    people[7] = "540574d1-bad".into();
    let err = client.bulk(&people, ContactTypes::PHONE, &BulkOptions::default()).err().unwrap();
    assert_eq!(err.status, Status::InvalidArgument);
    assert!(err.message.contains("540574d1-bad"), "{err}");
    let err = client.bulk(ids(1), ContactTypes::PHONE, &BulkOptions::default().batch_size(0)).err().unwrap();
    assert_eq!(err.status, Status::InvalidArgument, "{err}");
    assert_eq!(fake.stat("total"), 0);
}

#[test]
fn a_run_reads_the_account_first_and_counts_at_its_prices() {
    let fake = FakeServer::start(&["--estimated-time", "0", "--phone-price", "4", "--credit", "5000"]);
    let mut client = fake.client();
    let people = ids(120);
    let options = BulkOptions::default().batch_size(100).rate_limit(100_000);
    let mut run = client.bulk(&people, ContactTypes::PHONE, &options).unwrap();
    let persons = run.by_ref().filter(|e| matches!(e, Ok(Event::Person { .. }))).count();
    assert_eq!(persons, 120);
    let stats = run.stats();
    assert_eq!((fake.stat("/profile"), fake.stat("/profile/usage")), (1, 1), "read once, before the run");
    assert_eq!((stats.prices_known, stats.price_phone), (true, 4), "the account's price");
    assert_eq!(stats.balance, Some(5000 + 235237), "credit + top-up");
    let with_phone = people.iter().filter(|id| fake_phone(id).is_some()).count() as i64;
    assert_eq!(stats.credits_charged, 4 * with_phone);
    assert_eq!(stats.credits_worst_case, 4 * 120, "every phone found, at 4");
}

#[test]
fn prices_given_price_the_budget_and_read_account_false_sends_no_account_call() {
    let fake = FakeServer::start(&["--estimated-time", "0", "--phone-price", "3"]);
    let mut client = fake.client();
    let options = BulkOptions::default().batch_size(50).rate_limit(100_000).prices(2, 3).read_account(false);
    let mut run = client.bulk(ids(100), ContactTypes::PHONE, &options).unwrap();
    let dry = run.stats();
    assert_eq!((dry.prices_known, dry.price_email, dry.price_phone), (true, 2, 3));
    assert_eq!(dry.credits_worst_case, 300);
    assert!(run.all(|e| e.is_ok()));
    assert_eq!(run.stats().people_collected, 100);
    assert_eq!(fake.stat("/profile") + fake.stat("/profile/usage"), 0);
    assert_eq!(run.stats().balance, None);

    // A budget below one batch's worst case at these prices: nothing is
    // submitted (50 phones at 3 is 150).
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let options = BulkOptions::default().batch_size(50).prices(1, 3).max_credits(149).read_account(false);
    let mut run = client.bulk(ids(50), ContactTypes::PHONE, &options).unwrap();
    let end = run.find_map(|e| e.err()).expect("the budget stops the run");
    assert_eq!(end.status, Status::CreditBudget, "{end}");
    assert_eq!(fake.stat("/redeem/people/batch"), 0, "nothing is sent past the budget");
    drop(run);

    let err = BulkOptions::default().prices(-1, 1);
    let err = client.bulk(ids(1), ContactTypes::PHONE, &err).err().expect("a negative price");
    assert_eq!(err.status, Status::InvalidArgument, "{err}");
}

#[test]
fn add_rate_holds_requests_and_stop_ends_a_held_run() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    // Two requests an hour: the first two submits go, the third waits.
    let options = BulkOptions::default()
        .batch_size(100)
        .submit_only(true)
        .read_account(false)
        .add_rate(2, Duration::from_secs(3600));
    let mut run = client.bulk(ids(300), ContactTypes::PHONE, &options).unwrap();
    let mut accepted = BTreeSet::new();
    while accepted.len() < 2 {
        match run.next().unwrap().unwrap() {
            Event::BatchAccepted { job, .. } => accepted.insert(job.redeem_query_id),
            other => panic!("unexpected {other:?}"),
        };
    }
    let hold = run.rate_hold().expect("the next request is held");
    assert!(!hold.is_empty());
    run.stop();
    let end: Vec<_> = run.by_ref().collect();
    assert_eq!(end.len(), 1, "{end:?}");
    assert_eq!(end[0].as_ref().unwrap_err().status, Status::Cancelled);
    assert_eq!(fake.stat("/redeem/people/batch"), 2, "the held submit never started");
    let uncollected: BTreeSet<_> = run.uncollected().into_iter().map(|u| u.redeem_query_id).collect();
    assert_eq!(uncollected, accepted);
    drop(run);

    let bad = BulkOptions::default().add_rate(0, Duration::from_secs(60));
    assert_eq!(client.bulk(ids(1), ContactTypes::PHONE, &bad).err().unwrap().status, Status::InvalidArgument);
    let bad = BulkOptions::default().add_rate(5, Duration::from_millis(10));
    assert_eq!(client.bulk(ids(1), ContactTypes::PHONE, &bad).err().unwrap().status, Status::InvalidArgument);
    assert_eq!(fake.stat("/redeem/people/batch"), 2);
}

#[test]
fn stop_lets_submits_in_flight_answer_and_names_them() {
    let fake =
        FakeServer::start(&["--estimated-time", "0", "--latency-ms", "150", "--complete-after-polls", "1000000"]);
    let mut client = fake.client();
    let options = BulkOptions::default().batch_size(10).max_in_flight(4).rate_limit(100_000).read_account(false);
    let mut run = client.bulk(ids(200), ContactTypes::PHONE, &options).unwrap();
    let mut accepted = BTreeSet::new();
    let mut end = None;
    while let Some(event) = run.next() {
        match event {
            Ok(Event::BatchAccepted { job, .. }) => {
                accepted.insert(job.redeem_query_id);
                run.stop();
            }
            Ok(other) => panic!("nothing completes here: {other:?}"),
            Err(e) => end = Some(e),
        }
    }
    assert_eq!(end.expect("the run ends").status, Status::Cancelled);
    let submits = fake.stat("/redeem/people/batch") as usize;
    assert!(submits < 20, "nothing new started after the stop: {submits}");
    assert_eq!(accepted.len(), submits, "every submit that went out was answered and handed out");
    let uncollected: BTreeSet<_> = run.uncollected().into_iter().map(|u| u.redeem_query_id).collect();
    assert_eq!(uncollected, accepted);
    assert_eq!(run.stats().people_left_uncertain, 0);
}

#[test]
fn dropping_a_run_left_early_drains_so_its_journal_names_every_submit() {
    let journal = TempFile(temp_path("drop-drains.db"));
    let fake =
        FakeServer::start(&["--estimated-time", "0", "--latency-ms", "150", "--complete-after-polls", "1000000"]);
    let mut client = fake.client();
    let options = BulkOptions::default()
        .batch_size(10)
        .max_in_flight(4)
        .rate_limit(100_000)
        .read_account(false)
        .journal(&journal.0);
    let mut run = client.bulk(ids(200), ContactTypes::PHONE, &options).unwrap();
    assert!(matches!(run.next(), Some(Ok(Event::BatchAccepted { .. }))));
    drop(run); // with submits still in flight
    let submits = fake.stat("/redeem/people/batch") as usize;
    assert!((1..20).contains(&submits), "{submits}");
    let journal = Journal::open(&journal.0).unwrap();
    let runs = journal.runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].batches_uncertain, 0, "no submit was cut: {runs:?}");
    assert_eq!(runs[0].batches_accepted, submits, "each submit answered is kept as paid");
    assert_eq!(journal.uncollected().len(), submits);
    // The client is free for plain calls again.
    client.profile().unwrap();
}

#[test]
fn a_failed_submit_is_a_batch_failed_event_and_the_run_goes_on_to_end_with_its_status() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let options = BulkOptions::default().batch_size(100).max_in_flight(1).rate_limit(100_000).read_account(false);
    let mut run = client.bulk(ids(300), ContactTypes::PHONE, &options).unwrap();
    assert!(matches!(run.next(), Some(Ok(Event::BatchAccepted { .. }))));
    fake.script_reply(r#"{"path":"/redeem/people/batch","status":500,"body":"{\"error\":\"boom\"}"}"#);
    let (mut failed, mut persons, mut end) = (Vec::new(), 0, None);
    for event in &mut run {
        match event {
            Ok(Event::BatchFailed { batch, redeem_query_id, status, message, people, linkedin_url: None, .. }) => {
                failed.push((batch, redeem_query_id, status, message, people))
            }
            Ok(Event::Person { .. }) => persons += 1,
            Ok(_) => {}
            Err(e) => end = Some(e),
        }
    }
    assert_eq!(failed.len(), 1, "{failed:?}");
    let (batch, id, status, message, people) = &failed[0];
    assert_eq!((*batch, id, *status), (2, &None, Status::Server));
    assert!(message.contains("boom"), "{message}");
    assert_eq!(people, &ids(300)[100..200], "the uncertain batch's people, named");
    assert_eq!(persons, 100, "the paid batch is still collected");
    let end = end.expect("the run ends with the failure's status");
    assert_eq!((end.status, end.submit_state), (Status::Server, SubmitState::Uncertain));
    let stats = run.stats();
    assert_eq!((stats.batches_failed, stats.people_left_uncertain), (1, 100));
    assert_eq!(fake.stat("/redeem/people/batch"), 2, "never resent, nothing submitted after it");
}
