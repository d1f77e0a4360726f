//! A bulk run as an iterator against the fake server: every person once,
//! the counts, and the paid batches named after a stop.
mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{fake_phone, ids, FakeServer};
use pubrio::{BulkOptions, ContactTypes, Event, Status};

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
            Event::Person { batch, redeem_query_id, person, from_store } => {
                assert!(!from_store, "a run without a journal buys everyone");
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
                accepted.insert(job.redeem_query_id, people.len());
                cancel.cancel(); // stops the run; what is in flight drains
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
    // A submit cut by the cancel may have reached the fake too (uncertain,
    // never resent); it is not among the accepted.
    assert!(fake.stat("/redeem/people/batch") as usize >= accepted.len());
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
