//! The contact lookup over real HTTP to the fake server's directory
//! (tests/fake_server/fake_lookup.c: it answers the matches in reverse
//! order, leaves misses out and charges 1 a billable match): each answer
//! in its entry's place, similarity opt-in, a lost answer uncertain and
//! never resent, the paid answers kept on an error, bad entries refused
//! before anything is sent.
mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::FakeServer;
use pubrio::{
    Clock, LookupAnswer, LookupConfidence, LookupEntry, LookupOutcome, LookupRequest, LookupResult, Status, SubmitState,
};

const BATCH: &str = "/redeem/people/contact/lookup/batch";
const SINGLE: &str = "/redeem/people/contact/lookup";

// People of the fake's directory.
const KING: &str = "e37ccf38-ea8f-422e-9874-cb23b15e8fe4";
const JOHN: &str = "1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b";
const JANE: &str = "2d5e1b0e-0b9f-4bc1-8c18-3de1a4b4b7c7";
const ANN: &str = "3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8";
const BOB: &str = "4f703d20-2db1-4de3-8e3a-5f03c6d6d9e9";
const CHRIS: &str = "5a814e31-3ec2-4ef4-9f4b-6a14d7e7eafa";

fn assert_found(answer: &LookupAnswer, id: &str, first: &str, how: LookupConfidence) {
    assert_eq!(answer.outcome, LookupOutcome::Found, "{answer:?}");
    assert_eq!(answer.people_search_id.as_deref(), Some(id), "{answer:?}");
    assert_eq!(answer.first_name.as_deref(), Some(first));
    assert_eq!(answer.confidence, how);
}

fn found(result: &LookupResult, i: usize, id: &str, first: &str, how: LookupConfidence) {
    assert_found(&result.answers[i], id, first, how);
}

#[test]
fn shuffled_answers_land_on_their_own_entries() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    let request = LookupRequest::builder()
        .email("  King.Lai@PUBRIO.com ")
        .phone("+1 (555) 010-0002")
        .email("missing.person@people.example")
        .email("chris.wu@globex.com")
        .phone("+44 20 7946 0001")
        .build()
        .unwrap();
    let credit = fake.stat("credit");
    let result = client.lookup(&request).unwrap();

    // The fake answers in reverse order: each still lands on its entry.
    assert_eq!(result.answers.len(), 5);
    found(&result, 0, KING, "King", LookupConfidence::Exact);
    found(&result, 1, JOHN, "John", LookupConfidence::Exact);
    found(&result, 3, CHRIS, "Chris", LookupConfidence::Exact);
    found(&result, 4, ANN, "Ann", LookupConfidence::Exact);
    let john = &result.answers[1];
    assert_eq!(john.input_type.as_deref(), Some("phone"));
    assert_eq!(john.input_value.as_deref(), Some("+15550100002"));
    assert_eq!(john.people_name.as_deref(), Some("John Smith"));
    assert_eq!(john.company_name.as_deref(), Some("Example"));
    assert_eq!(john.domain.as_deref(), Some("example.com"));
    assert_eq!(john.credits, 1);
    assert_eq!(john.confidence.to_string(), "exact");
    // The miss: free, no person.
    let miss = &result.answers[2];
    assert_eq!(miss.outcome, LookupOutcome::NotFound);
    assert_eq!((miss.people_search_id.as_deref(), miss.credits), (None, 0));
    assert_eq!(result.credits_charged, 4);
    assert_eq!(result.requests, 1);
    assert_eq!(credit - fake.stat("credit"), 4, "the account was charged 4");
    assert_eq!(fake.stat(BATCH), 1, "one request for one intent");
}

#[test]
fn two_people_at_one_company_or_one_email_twice_go_to_different_requests() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    let request = LookupRequest::builder()
        .entry(LookupEntry::name_at_domain("John", "Smith", "https://www.Example.com/team"))
        .entry(LookupEntry::name_at_domain("Jane", "Doe", "example.com"))
        .email("bob@acme.io")
        .email(" BOB@acme.io")
        .similarity(true)
        .build()
        .unwrap();
    let plan = request.plan().unwrap();
    assert_eq!((plan.lookups, plan.worst_case_credits, plan.refused, plan.requests), (4, 4, 0, 2));
    let result = client.lookup(&request).unwrap();
    found(&result, 0, JOHN, "John", LookupConfidence::SimilarityDomain);
    found(&result, 1, JANE, "Jane", LookupConfidence::SimilarityDomain);
    found(&result, 2, BOB, "Bob", LookupConfidence::Exact);
    found(&result, 3, BOB, "Bob", LookupConfidence::Exact);
    assert_eq!(result.answers[0].confidence.as_str(), "similarity_domain");
    assert_eq!(fake.stat(BATCH), 2, "no request held both of a pair");
    assert_eq!(result.requests, 2);
}

#[test]
fn single_lookup_finds_and_misses() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    let chris = client.lookup_person(&LookupRequest::new([LookupEntry::phone("+61 2 9000 0001")]).unwrap()).unwrap();
    assert_found(&chris, CHRIS, "Chris", LookupConfidence::Exact);
    let credit = fake.stat("credit");
    let miss = LookupRequest::new([LookupEntry::email("miss.me@people.example")]).unwrap();
    let answer = client.lookup_person(&miss).unwrap();
    assert_eq!(answer.outcome, LookupOutcome::NotFound);
    assert!(!answer.is_found() && answer.people_search_id.is_none());
    assert_eq!(fake.stat("credit"), credit, "a miss is free");
    assert_eq!(fake.stat(SINGLE), 2);
    assert_eq!(fake.stat(BATCH), 0);
}

#[test]
fn similarity_is_opt_in() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    let entries = [
        LookupEntry::name_at_domain("John", "Smith", "example.com"),
        LookupEntry { company: Some("Acme Inc".into()), ..LookupEntry::email("bob@acme.io") },
    ];
    let off = LookupRequest::new(entries.clone()).unwrap();
    let plan = off.plan().unwrap();
    assert_eq!((plan.lookups, plan.refused, plan.requests), (1, 1, 1));
    let result = client.lookup(&off).unwrap();
    let refused = &result.answers[0];
    assert_eq!(refused.outcome, LookupOutcome::NotLookedUp);
    assert!(refused.reason.as_deref().unwrap_or("").contains("similarity"), "{refused:?}");
    assert_eq!(refused.people_search_id, None);
    found(&result, 1, BOB, "Bob", LookupConfidence::Exact);
    assert_eq!(result.credits_charged, 1);

    let on = LookupRequest::builder().entries(entries).similarity(true).build().unwrap();
    assert_eq!(on.plan().unwrap().lookups, 2);
    let result = client.lookup(&on).unwrap();
    found(&result, 0, JOHN, "John", LookupConfidence::SimilarityDomain);
    found(&result, 1, BOB, "Bob", LookupConfidence::Exact);
    assert_eq!(fake.stat(BATCH), 2, "one request each time");
}

#[test]
fn an_uncertain_lookup_is_never_resent_and_the_error_names_its_entry() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    // A first lookup leaves the connection open: libcurl would resend on
    // its own a request whose reused connection dies (a double charge).
    client.lookup(&LookupRequest::new([LookupEntry::email("king.lai@pubrio.com")]).unwrap()).unwrap();
    let request = LookupRequest::builder()
        .email("ann@acme.io")
        .email("bob@acme.io")
        .email("jane.doe@example.com")
        .batch_size(1)
        .build()
        .unwrap();
    let credit = fake.stat("credit");
    // The next lookup is processed (charged), then its connection closed
    // with no answer (fault 3: FAKE_FAULT_PROCESS_THEN_CLOSE).
    fake.script_reply(&format!(r#"{{"path":"{BATCH}","status":200,"fault":3}}"#));
    let err = client.lookup(&request).unwrap_err();

    assert_eq!(err.status, Status::Transport, "{err}");
    assert_eq!(err.submit_state, SubmitState::Uncertain);
    assert_eq!(err.attempts, 1, "sent once");
    assert!(err.message.contains("lookup entries 0 failed"), "{err}");
    let result = err.lookup_result.as_deref().expect("the answers kept with the error");
    assert_eq!(result.answers[0].outcome, LookupOutcome::Failed);
    assert_eq!(result.answers[0].submit_state, SubmitState::Uncertain);
    assert_eq!(result.answers[0].status, Some(Status::Transport));
    for later in &result.answers[1..] {
        assert_eq!(later.outcome, LookupOutcome::NotSent, "{later:?}");
        assert_eq!(later.submit_state, SubmitState::NotSpent);
    }
    assert_eq!(result.uncertain(), vec![0]);
    assert_eq!(credit - fake.stat("credit"), 1, "the fake did process it");
    assert_eq!(fake.stat(BATCH), 2, "the warm-up and the lost one: never resent");
    assert!(format!("{err:?}").contains("1 uncertain"), "{err:?}");
}

#[test]
fn an_unmappable_match_fails_without_a_guess_and_keeps_the_paid_answers() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    // The fake answers this one with an input value nobody sent.
    let request = LookupRequest::builder()
        .email("unmappable.one@people.example")
        .email("king.lai@pubrio.com")
        .email("miss.x@people.example")
        .build()
        .unwrap();
    let err = client.lookup(&request).unwrap_err();
    assert_eq!(err.status, Status::Protocol, "{err}");
    assert!(err.message.contains("maps to no entry"), "{err}");
    assert!(err.message.contains("lookup entries 0, 2 failed"), "{err}");
    assert_eq!(err.submit_state, SubmitState::Uncertain);
    let result = err.lookup_result.as_deref().unwrap();
    assert_eq!(result.answers[0].outcome, LookupOutcome::Failed);
    assert_eq!(result.answers[0].people_search_id, None, "never guessed");
    found(result, 1, KING, "King", LookupConfidence::Exact); // paid for, kept
    assert_eq!(result.answers[2].outcome, LookupOutcome::Failed);
    assert_eq!(result.uncertain(), vec![0, 2]);
    assert_eq!(fake.stat(BATCH), 1);
}

/// Time that moves only when slept on: a 429's wait takes no real time.
struct SteppedClock(Arc<AtomicU64>);

impl Clock for SteppedClock {
    fn now(&mut self) -> Duration {
        Duration::from_millis(self.0.load(Ordering::Relaxed))
    }
    fn sleep(&mut self, duration: Duration) {
        self.0.fetch_add(duration.as_millis() as u64, Ordering::Relaxed);
    }
}

#[test]
fn a_429_storm_is_waited_out_and_charged_once() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    let slept = Arc::new(AtomicU64::new(0));
    client.set_clock(SteppedClock(Arc::clone(&slept))).unwrap();
    client.set_retry(8, Duration::from_millis(500), Duration::from_secs(8)).unwrap();
    fake.script_reply(&format!(
        r#"{{"path":"{BATCH}","status":429,"body":"{{\"error\":\"Request rate limit exceeded.\"}}","times":5}}"#
    ));
    let credit = fake.stat("credit");
    let request = LookupRequest::builder().email("ann@acme.io").email("bob@acme.io").build().unwrap();
    let result = client.lookup(&request).unwrap();
    found(&result, 0, ANN, "Ann", LookupConfidence::Exact);
    found(&result, 1, BOB, "Bob", LookupConfidence::Exact);
    assert_eq!(fake.stat(BATCH), 6, "5 refused, then answered");
    assert_eq!(result.requests, 6);
    assert!(slept.load(Ordering::Relaxed) >= 5 * 500, "waited on the injected clock");
    assert_eq!(credit - fake.stat("credit"), 2, "charged once");
}

#[test]
fn bad_entries_are_refused_before_anything_is_sent() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    let refused = |builder: pubrio::LookupRequestBuilder, says: &[&str]| {
        let err = builder.build().unwrap_err();
        assert_eq!(err.status, Status::InvalidArgument, "{err}");
        for s in says {
            assert!(err.message.contains(s), "{s:?} not in {err}");
        }
    };
    let one_good = || LookupRequest::builder().email("ok@acme.io");
    refused(one_good().email("no-at-sign"), &["lookup entry 1", "not an email"]);
    refused(one_good().phone("12"), &["lookup entry 1", "5 to 20 digits"]);
    refused(one_good().entry(LookupEntry::name_at_domain("Ann", "Lee", "localhost")), &["entry 1", "no dot"]);
    refused(one_good().entry(LookupEntry::name_at_company("Ann", "Lee", "Acme\x1b[2J")), &["control character"]);
    refused(one_good().email("a@b.c\0d"), &["email of lookup entry 1", "NUL"]);
    refused(one_good().entry(LookupEntry::default()), &["entry 1 is empty"]);
    let half = LookupEntry { first_name: Some("Ann".into()), company: Some("Acme Inc".into()), ..Default::default() };
    refused(one_good().entry(half), &["entry 1", "half a name"]);
    let nowhere = LookupEntry { first_name: Some("Ann".into()), last_name: Some("Lee".into()), ..Default::default() };
    refused(one_good().entry(nowhere), &["entry 1", "no email, phone, domain"]);
    refused(one_good().batch_size(0), &["batch size 0"]);
    refused(one_good().profile_id(-2), &["profile_id -2"]);

    // One entry for the single call; none at all for either.
    let two = one_good().phone("+1 555 010 0002").build().unwrap();
    let err = client.lookup_person(&two).unwrap_err();
    assert_eq!((err.status, err.submit_state), (Status::InvalidArgument, SubmitState::NotSpent));
    assert!(err.message.contains("Client::lookup_person takes one entry"), "{err}");
    assert!(err.message.contains("use Client::lookup"), "{err}");
    assert!(err.lookup_result.is_none());
    let none = LookupRequest::new([]).unwrap();
    assert!(none.is_empty());
    let err = client.lookup(&none).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument);
    assert!(err.message.contains("no entries"), "{err}");
    assert_eq!(fake.stat("total"), 0, "nothing was sent");
}
