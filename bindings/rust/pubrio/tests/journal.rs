//! The journal: a second run hands out what the first bought (from_store,
//! never submitted again) unless told to refresh, and the reader shows the
//! runs, the people and the paid batches not collected, with no network.
mod common;

use std::collections::BTreeSet;

use common::{fake_phone, ids, temp_path, FakeServer, TempFile};
use pubrio::{BulkOptions, ContactTypes, Event, Journal, Status};

fn options(journal: &TempFile) -> BulkOptions {
    BulkOptions::default().batch_size(100).rate_limit(100_000).read_account(false).journal(&journal.0)
}

/// Runs to the end; the people handed out as (id, from_store).
fn run_all(fake: &FakeServer, people: &[String], options: &BulkOptions) -> (Vec<(String, bool)>, pubrio::BulkStats) {
    let mut client = fake.client();
    let mut run = client.bulk(people, ContactTypes::PHONE, options).unwrap();
    let mut out = Vec::new();
    for event in &mut run {
        if let Event::Person { person, from_store, .. } = event.unwrap() {
            let phones: Vec<_> = person.phones.iter().filter_map(|c| c.value.clone()).collect();
            assert_eq!(phones, Vec::from_iter(fake_phone(&person.people_search_id)), "stored or bought alike");
            out.push((person.people_search_id, from_store));
        }
    }
    (out, run.stats())
}

#[test]
fn a_second_run_hands_out_what_the_first_bought_from_the_journal() {
    let journal = TempFile(temp_path("from-store.db"));
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let first = ids(30);
    let (people, _) = run_all(&fake, &first, &options(&journal));
    assert!(people.iter().all(|(_, from_store)| !from_store));
    assert_eq!(fake.stat("people_submitted"), 30);

    let second = ids(40); // the 30 again and 10 more
    let (people, stats) = run_all(&fake, &second, &options(&journal));
    let stored: BTreeSet<_> = people.iter().filter(|p| p.1).map(|p| p.0.clone()).collect();
    let bought: BTreeSet<_> = people.iter().filter(|p| !p.1).map(|p| p.0.clone()).collect();
    assert_eq!(stored, first.iter().cloned().collect());
    assert_eq!(bought, second[30..].iter().cloned().collect());
    assert_eq!((stats.people_known, stats.people_to_submit), (30, 10));
    assert_eq!(fake.stat("people_submitted"), 40, "only the new ten were sent");
    assert_eq!(fake.stat("max_submits_per_person"), 1);

    // refresh buys them again.
    let (people, _) = run_all(&fake, &second, &options(&journal).refresh(true));
    assert!(people.iter().all(|(_, from_store)| !from_store));
    assert_eq!(fake.stat("people_submitted"), 80);
}

#[test]
fn the_journal_reader_shows_runs_people_and_uncollected_batches() {
    let journal = TempFile(temp_path("reader.db"));
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let people = ids(150);
    run_all(&fake, &people, &options(&journal));

    // A second run whose batch is paid and never completes, stopped.
    let slow = FakeServer::start(&["--estimated-time", "0", "--complete-after-polls", "1000000"]);
    let mut client = slow.client();
    let more = ids(170)[150..].to_vec();
    let mut run = client.bulk(&more, ContactTypes::PHONE, &options(&journal)).unwrap();
    let paid = match run.next() {
        Some(Ok(Event::BatchAccepted { job, .. })) => job.redeem_query_id,
        other => panic!("{other:?}"),
    };
    let busy = Journal::open(&journal.0).unwrap_err();
    assert_eq!(busy.status, Status::Journal, "a run holds it: {busy}");
    run.stop();
    assert_eq!(run.last().unwrap().unwrap_err().status, Status::Cancelled); // and frees it

    let mut reader = Journal::open(&journal.0).unwrap();
    let runs = reader.runs();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 2]);
    assert_eq!((runs[0].batches_collected, runs[0].batches_uncertain), (2, 0));
    let with_phone = people.iter().filter(|id| fake_phone(id).is_some()).count();
    assert_eq!(runs[0].credits_charged, with_phone as i64);
    assert!(runs[0].types.contains(ContactTypes::PHONE));
    assert_eq!((runs[1].batches_accepted, runs[1].batches_collected), (1, 0));
    assert_eq!(reader.counts(), (150, with_phone));

    let uncollected = reader.uncollected();
    assert_eq!(uncollected.len(), 1);
    assert_eq!((uncollected[0].redeem_query_id.as_str(), uncollected[0].people_count), (paid.as_str(), 20));

    let read: Vec<_> = reader.people().collect::<Result<_, _>>().unwrap();
    assert_eq!(read.iter().map(|p| p.people_search_id.clone()).collect::<Vec<_>>(), people, "in id order");
    for p in &read {
        let phones: Vec<_> = p.phones.iter().filter_map(|c| c.value.clone()).collect();
        assert_eq!(phones, Vec::from_iter(fake_phone(&p.people_search_id)));
    }
    assert_eq!(reader.people().count(), 0, "the cursor is at the end");
}

#[test]
fn opening_a_missing_journal_is_a_journal_error() {
    let missing = temp_path("missing.db");
    let err = Journal::open(&missing).unwrap_err();
    assert_eq!(err.status, Status::Journal, "{err}");
    assert!(!missing.exists(), "a reader creates nothing");
}

#[test]
fn a_plan_counts_known_people_and_prices_without_sending_or_writing() {
    let journal = TempFile(temp_path("plan.db"));
    let fake = FakeServer::start(&["--estimated-time", "0", "--phone-price", "6", "--credit", "900"]);
    run_all(&fake, &ids(30), &options(&journal));
    let modified = std::fs::metadata(&journal.0).unwrap().modified().unwrap();
    let before = fake.stat("total");

    let mut client = fake.client();
    let options = BulkOptions::default().batch_size(100).journal(&journal.0);
    let mut plan = client.plan(ids(250), ContactTypes::PHONE, &options).unwrap();
    let dry = plan.stats();
    assert_eq!((dry.people, dry.people_known, dry.people_to_submit, dry.batches), (250, 30, 220, 3));
    assert_eq!(fake.stat("total"), before, "a plan sends nothing by itself");
    plan.read_account().unwrap();
    let priced = plan.stats();
    assert_eq!((priced.prices_known, priced.price_phone), (true, 6));
    assert_eq!(priced.credits_worst_case, 6 * 220);
    let spent = 6 * ids(30).iter().filter(|id| fake_phone(id).is_some()).count() as i64;
    assert_eq!(priced.balance, Some(900 - spent + 235237), "after the first run's charges");
    assert_eq!(fake.stat("/redeem/people/batch"), 1, "still only the first run's submit");
    drop(plan);
    assert_eq!(std::fs::metadata(&journal.0).unwrap().modified().unwrap(), modified, "the journal is only read");
    assert_eq!(Journal::open(&journal.0).unwrap().runs().len(), 1);
}
