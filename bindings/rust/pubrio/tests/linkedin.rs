//! LinkedIn profile URLs in a bulk run, over real HTTP to the fake server
//! (it resolves a URL's /in/ slug to an id, and finds nobody for slugs
//! starting with "nobody"): each URL redeemed alone before any batch, a
//! person named by a URL and by an id bought once, a URL naming nobody an
//! `Event::NotFound`, a bad URL refused before anything is sent.
mod common;

use common::{ids, FakeServer};
use pubrio::{BulkOptions, ContactTypes, Event, Status};

const SINGLE: &str = "/redeem/people";
const SUBMIT: &str = "/redeem/people/batch";
const JANE_URL: &str = "https://www.linkedin.com/in/jane-doe";
const NOBODY_URL: &str = "https://www.linkedin.com/in/nobody-here";

/// The id the fake gives the person of `url`, asked of a server of its own
/// (through the single redeem) so the run under test starts from nothing.
fn resolved_id(url: &str) -> String {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let one = client.redeem_person(url, ContactTypes::PHONE).unwrap();
    assert_eq!(one.people.len(), 1);
    one.people[0].people_search_id.clone()
}

#[test]
fn a_url_and_an_id_of_one_person_are_bought_once_and_nobody_is_not_found() {
    let jane = resolved_id(JANE_URL);
    let other = ids(1).remove(0);
    assert_ne!(jane, other);
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let options = BulkOptions::default().rate_limit(100_000);
    let mut run = client.bulk([&jane, &other], ContactTypes::PHONE, &options).unwrap();
    // Two spellings of one profile, and a URL naming nobody.
    run.add_linkedin_urls(["http://uk.linkedin.com/in/Jane-Doe/?trk=x", JANE_URL, NOBODY_URL]).unwrap();
    let dry = run.stats();
    assert_eq!((dry.linkedin_urls, dry.linkedin_urls_to_redeem, dry.duplicates), (2, 2, 1));
    assert_eq!(fake.stat("total"), 0, "a dry run sends nothing");

    let (mut by_url, mut by_id, mut not_found, mut from_store) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for event in &mut run {
        match event.unwrap() {
            Event::Person { person, from_store: stored, linkedin_url: Some(url), .. } => {
                assert!(!stored);
                assert!(!person.phones.is_empty(), "the URL's person has a phone");
                by_url.push((url, person.people_search_id));
            }
            Event::Person { person, from_store: stored, linkedin_url: None, .. } => {
                from_store += usize::from(stored);
                by_id.push(person.people_search_id);
            }
            Event::NotFound { linkedin_url, from_store, .. } => {
                assert!(!from_store);
                not_found.push(linkedin_url);
            }
            Event::BatchFailed { message, .. } => panic!("a batch failed: {message}"),
            _ => {}
        }
    }
    assert_eq!(by_url, [(JANE_URL.to_string(), jane.clone())]);
    by_id.sort();
    let mut want = vec![jane.clone(), other.clone()];
    want.sort();
    assert_eq!(by_id, want, "the id the URL bought is handed out too");
    assert_eq!(from_store, 1, "...from what the URL bought");
    assert_eq!(not_found, [NOBODY_URL]);
    let stats = run.stats();
    assert_eq!((stats.linkedin_urls_redeemed, stats.linkedin_urls_not_found), (2, 1));
    drop(run);

    assert_eq!(fake.stat(SINGLE), 2, "one single redeem a distinct URL");
    assert_eq!(fake.stat(SUBMIT), 1);
    let seen = fake.stats();
    assert!(seen.contains(&other), "the other id is in the batch: {seen}");
    assert!(!seen.contains(&jane), "the URL's person is not submitted again: {seen}");
    assert_eq!(fake.stat("max_submits_per_person"), 1);
}

#[test]
fn a_bad_url_is_refused_before_anything_is_sent() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let mut run = client.bulk(ids(1), ContactTypes::PHONE, &BulkOptions::default()).unwrap();
    let err = run.add_linkedin_urls([JANE_URL, "https://linkedin.com.evil.example/in/x"]).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument);
    assert!(err.message.contains("index 1"), "{}", err.message);
    assert_eq!(run.stats().linkedin_urls, 0, "all or nothing");
    let err = run.add_linkedin_urls(["https://www.linkedin.com/in/a\0b"]).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument);
    drop(run);
    assert_eq!(fake.stat("total"), 0);
}

#[test]
fn a_plan_counts_urls_and_sends_nothing() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let options = BulkOptions::default().read_account(false);
    let mut plan = client.plan(ids(3), ContactTypes::PHONE, &options).unwrap();
    plan.add_linkedin_urls([JANE_URL, "https://linkedin.com/in/jane-doe/", NOBODY_URL]).unwrap();
    let stats = plan.stats();
    assert_eq!((stats.people, stats.linkedin_urls, stats.linkedin_urls_to_redeem), (5, 2, 2));
    drop(plan);
    assert_eq!(fake.stat("total"), 0);
}
