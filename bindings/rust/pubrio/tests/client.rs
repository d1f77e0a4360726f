//! The safe API against the fake server over real HTTP: results, typed
//! errors, validation before sending, cancel from another thread.
mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{fake_phone, ids, FakeServer};
use pubrio::{BatchRequest, Clock, ContactType, ContactTypes, LogLevel, Status, SubmitState, WaitOptions};

#[test]
fn submit_and_wait_returns_the_fake_contacts_for_each_person() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let people = ids(12);
    let with_contacts = people.iter().filter(|id| fake_phone(id).is_some()).count();
    assert!(with_contacts < 12, "some have nothing to unlock");
    let request = BatchRequest::new(&people, ContactTypes::PHONE | ContactTypes::EMAIL_WORK).unwrap();
    let result = client.submit_and_wait(&request).unwrap();

    assert!(result.query.is_completed);
    let charged = 2 * with_contacts as i64;
    assert_eq!(result.total_charged_credit, Some(charged), "one email and one phone each");
    let got: BTreeSet<_> = result.people.iter().map(|p| p.people_search_id.clone()).collect();
    assert_eq!(got, people.iter().cloned().collect(), "each person once");
    for person in &result.people {
        let Some(phone) = fake_phone(&person.people_search_id) else {
            assert!(person.emails.is_empty() && person.phones.is_empty(), "{person:?}");
            continue;
        };
        // The fake derives a person's work email from the first 8 characters of the id.
        let email = &person.emails[..];
        assert_eq!(email.len(), 1, "{person:?}");
        assert_eq!(email[0].value.as_deref(), Some("w.540574d1@work.example"));
        assert_eq!(email[0].kind, ContactType::EmailWork);
        assert_eq!(email[0].status.as_deref(), Some("Verified"));
        assert_eq!(person.phones.len(), 1);
        assert_eq!(person.phones[0].kind, ContactType::Phone);
        assert_eq!(person.phones[0].value.as_deref(), Some(phone.as_str()));
        assert!(person.to_string().starts_with(&person.people_search_id));
    }
    assert_eq!(fake.stat("/redeem/people/batch"), 1, "one submit for one intent");
    assert_eq!(client.connections_opened(), 1, "keep-alive");
}

#[test]
fn submit_then_query_and_wait_are_separate_steps() {
    let fake = FakeServer::start(&["--estimated-time", "0", "--complete-after-polls", "1"]);
    let mut client = fake.client();
    let request =
        BatchRequest::builder().person(&ids(1)[0]).types(ContactTypes::EMAIL_WORK).profile_id(7).build().unwrap();
    let job = client.submit(&request).unwrap();
    assert!(!job.is_completed);
    assert_eq!(job.estimated, Some(Duration::ZERO));
    let first = client.query(&job.redeem_query_id).unwrap();
    assert!(!first.query.is_completed && first.people.is_empty(), "{first:?}");
    let options = WaitOptions::default().delays(Duration::from_millis(10), Duration::from_millis(10));
    let done = client.wait_with(&job.redeem_query_id, &options).unwrap();
    assert!(done.query.is_completed);
    assert_eq!(done.people.len(), 1);
    assert!(fake.stats().contains(r#"\"profile_id\":7"#), "{}", fake.stats());
}

#[test]
fn a_400_is_bad_request_with_the_apis_code_message_and_request_id() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    // A well-formed id the fake never issued: it answers 400, code 40004.
    let err = client.query("00000000-0000-4000-8000-0000000000ff").unwrap_err();
    assert_eq!(err.status, Status::BadRequest, "{err}");
    assert_eq!(err.http_status, Some(400));
    assert_eq!(err.api_code, Some(40004));
    assert_eq!(err.api_message.as_deref(), Some("redeem_query_id not found"));
    assert!(err.request_id.is_some(), "{err:?}");
    assert_eq!(err.submit_state, SubmitState::None, "a query is no submit");
    assert!(err.to_string().starts_with("bad request: "), "{err}");
}

#[test]
fn a_refused_submit_is_bad_request_and_not_spent() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    fake.script_reply(
        r#"{"path":"/redeem/people/batch","status":400,
            "body":"{\"code\":40001,\"message\":\"peoples must hold UUIDs\",\"details\":{\"field\":\"peoples\"}}"}"#,
    );
    let request = BatchRequest::new(ids(2), ContactTypes::PHONE).unwrap();
    let err = client.submit(&request).unwrap_err();
    assert_eq!(err.status, Status::BadRequest, "{err}");
    assert_eq!(err.submit_state, SubmitState::NotSpent);
    assert_eq!(err.api_code, Some(40001));
    assert_eq!(err.api_message.as_deref(), Some("peoples must hold UUIDs"));
    assert!(err.details_json.as_deref().unwrap().contains("peoples"), "{err:?}");
    assert_eq!(err.attempts, 1, "a 400 is not retried");
}

#[test]
fn an_invalid_id_is_rejected_before_anything_is_sent() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();

    let mut people = ids(2);
    people.insert(1, "540574d1-not-a-uuid".into());
    let err = BatchRequest::new(&people, ContactTypes::PHONE).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument);
    assert!(err.message.contains("540574d1-not-a-uuid") && err.message.contains('1'), "{err}");

    let err = BatchRequest::new(["540574d1-0000-4000-8000-00000000\x0001"], ContactTypes::PHONE).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument, "a NUL byte: {err}");
    let err = BatchRequest::new(ids(1), ContactTypes::default()).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument, "no contact type: {err}");

    for bad in ["nope", "", "00000000-0000-4000-8000-00000000000g"] {
        let err = client.query(bad).unwrap_err();
        assert_eq!(err.status, Status::InvalidArgument, "{bad:?}: {err}");
        assert_eq!(err.attempts, 0);
        let err = client.wait(bad).unwrap_err();
        assert_eq!(err.status, Status::InvalidArgument, "{bad:?}: {err}");
    }
    assert_eq!(client.requests_sent(), 0);
    assert_eq!(fake.stat("total"), 0, "the fake saw nothing: {}", fake.stats());
}

/// A clock whose sleeps only move its time forward: time injected, not slept.
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
fn a_failed_wait_after_the_submit_names_the_paid_batch() {
    let fake = FakeServer::start(&["--estimated-time", "0", "--complete-after-polls", "1000000"]);
    let mut client = fake.client();
    let elapsed = Arc::new(AtomicU64::new(0));
    client.set_clock(SteppedClock(Arc::clone(&elapsed))).unwrap();
    let started = Instant::now();
    let request = BatchRequest::new(ids(1), ContactTypes::PHONE).unwrap();
    let err = client.submit_and_wait(&request).unwrap_err(); // the default 10-minute deadline
    assert_eq!(err.status, Status::WaitTimeout, "{err}");
    assert_eq!(err.submit_state, SubmitState::Accepted);
    let id = err.redeem_query_id.clone().expect("the paid batch's id");
    assert!(err.message.contains(&id), "the message names it: {err}");
    assert!(err.message.contains("resume with Client::wait") && !err.message.contains("pubrio_"), "{err}");
    assert_eq!(err.last_result.as_ref().unwrap().query.redeem_query_id, id);
    assert!(!err.into_details().last_result.unwrap().query.is_completed);
    let waited = Duration::from_millis(elapsed.load(Ordering::Relaxed));
    assert!(waited >= Duration::from_secs(540) && waited <= Duration::from_secs(600), "{waited:?}");
    assert!(started.elapsed() < Duration::from_secs(10), "ten minutes injected, not slept");
    // Delays grow from 1 s to 30 s: at least 600 / 30 polls.
    assert!(fake.stat("/redeem/people/batch/query") >= 20, "{}", fake.stats());
    assert_eq!(fake.stat("/redeem/people/batch"), 1, "never submitted again");
}

#[test]
fn log_lines_reach_the_receiver_without_the_key() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    client.set_log(LogLevel::Debug, move |level, line| sink.lock().unwrap().push((level, line.to_string()))).unwrap();
    client.submit_and_wait(&BatchRequest::new(ids(1), ContactTypes::PHONE).unwrap()).unwrap();
    let cancel = client.cancel_handle();
    drop(client); // unsets the hooks it owned: the handle keeps the C client alive
    cancel.cancel();
    let lines = lines.lock().unwrap();
    assert!(lines.iter().any(|(level, l)| *level == LogLevel::Info && l.contains("/redeem/people/batch")), "{lines:?}");
    assert!(lines.iter().any(|(level, _)| *level == LogLevel::Debug), "bodies at Debug: {lines:?}");
    assert!(lines.iter().all(|(_, l)| !l.contains("test-key")), "the key is masked: {lines:?}");
}

#[test]
fn cancel_from_another_thread_ends_a_wait_early() {
    let fake = FakeServer::start(&["--estimated-time", "0", "--complete-after-polls", "1000000"]);
    let mut client = fake.client();
    let job = client.submit(&BatchRequest::new(ids(1), ContactTypes::PHONE).unwrap()).unwrap();
    let cancel = client.cancel_handle();
    // The first poll at once, then 20 s to the next and a 60 s deadline:
    // only a cancel that cuts the request or the sleep ends it within 5 s.
    let options = WaitOptions::default()
        .first_delay(Duration::ZERO)
        .delays(Duration::from_secs(20), Duration::from_secs(30))
        .timeout(Duration::from_secs(60));
    let started = Instant::now();
    let err = std::thread::scope(|s| {
        s.spawn(|| {
            // Cancel once the wait is under way: the fake has seen its first poll.
            while fake.stat("/redeem/people/batch/query") == 0 {
                std::thread::yield_now();
            }
            cancel.cancel();
        });
        client.wait_with(&job.redeem_query_id, &options).unwrap_err()
    });
    assert_eq!(err.status, Status::Cancelled, "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    // Cut in the sleep, the first poll's state is kept; cut in flight, none came.
    assert!(err.last_result.as_ref().map_or(true, |r| !r.query.is_completed));
    assert_eq!(fake.stat("/redeem/people/batch/query"), 1);

    assert_eq!(client.query(&job.redeem_query_id).unwrap_err().status, Status::Cancelled, "stays cancelled");
    client.reset_cancel();
    assert!(client.query(&job.redeem_query_id).is_ok());
}

#[test]
fn a_client_moves_to_another_thread_and_its_cancel_handle_outlives_it() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let client = fake.client();
    let cancel = client.cancel_handle();
    let people = std::thread::spawn(move || {
        let mut client = client;
        let request = BatchRequest::new(ids(2), ContactTypes::PHONE).unwrap();
        client.submit_and_wait(&request).unwrap().people.len()
    })
    .join()
    .unwrap();
    assert_eq!(people, 2);
    cancel.cancel(); // the client was dropped; the handle keeps it alive
}

#[test]
fn no_key_is_a_typed_error() {
    if std::env::var_os("PUBRIO_API_KEY").is_none() {
        assert_eq!(pubrio::Client::from_env().unwrap_err().status, Status::NoApiKey);
    }
    assert_eq!(pubrio::Client::new("bad\nkey").unwrap_err().status, Status::InvalidArgument);
    let err = pubrio::Client::new("k\0ey").unwrap_err();
    assert!(!err.message.contains("k\0ey"), "the key never appears: {err}");
}
