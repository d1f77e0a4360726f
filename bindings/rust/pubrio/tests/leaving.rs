//! Leaving a bulk run, every way a Rust program leaves one: a `break` out of
//! a `for` over the run, a `?` out of the loop, an explicit `close()`, a
//! `drop`, a cancel from another thread and Ctrl-C (SIGINT) through
//! `cancel_on_ctrl_c`. However it is left, what the fake server was paid for
//! is handed out by the iterator, handed back by `close()` (`Drained`), or
//! named (uncollected batches, uncertain people; in the log when the run is
//! dropped), and nobody is submitted twice. Each way is tried at two
//! moments: the second batch accepted (submits in flight) and the fifth
//! person handed out (the rest of the batch queued, polls in flight).
mod common;

use std::collections::HashSet;
use std::os::raw::c_int;
use std::sync::{mpsc, Arc, Mutex};

use common::{ids, FakeServer};
use pubrio::{Bulk, BulkOptions, Client, ContactTypes, Drained, Event, LogLevel, Status};

extern "C" {
    fn raise(sig: c_int) -> c_int;
}

/// 20 batches of 10, 4 requests in flight, every answer 100 ms late (with as
/// many batches as requests in flight the drain could collect them all and
/// leave nothing to name).
fn setup() -> (FakeServer, Client, Arc<Mutex<Vec<String>>>) {
    let fake = FakeServer::start(&["--estimated-time", "0", "--complete-after-polls", "2", "--latency-ms", "100"]);
    let mut client = fake.client();
    let log = Arc::new(Mutex::new(Vec::new()));
    let lines = Arc::clone(&log);
    client.set_log(LogLevel::Warn, move |_, line| lines.lock().unwrap().push(line.to_string())).unwrap();
    (fake, client, log)
}

fn options() -> BulkOptions {
    let wait = pubrio::WaitOptions::default()
        .delays(std::time::Duration::from_millis(20), std::time::Duration::from_millis(50));
    BulkOptions::default().batch_size(10).max_in_flight(4).rate_limit(100_000).read_account(false).wait(wait)
}

fn start<'c>(client: &'c mut Client) -> Bulk<'c> {
    client.bulk(ids(200), ContactTypes::PHONE, &options()).unwrap()
}

/// What the loop saw, and when to leave it.
struct Tracker {
    handed: HashSet<String>,
    accepted: usize,
    at_person: bool,
}

impl Tracker {
    fn new(at_person: bool) -> Tracker {
        Tracker { handed: HashSet::new(), accepted: 0, at_person }
    }

    /// Counts an event; true when the moment to leave has come.
    fn see(&mut self, event: &Event) -> bool {
        match event {
            Event::Person { person, .. } => {
                assert!(self.handed.insert(person.people_search_id.clone()), "handed out twice");
                self.at_person && self.handed.len() == 5
            }
            Event::BatchAccepted { .. } => {
                self.accepted += 1;
                !self.at_person && self.accepted == 2
            }
            _ => false,
        }
    }
}

/// paid == handed out + kept + named, over the fake server's own count.
fn balance(fake: &FakeServer, handed: &HashSet<String>, kept: usize, named: usize) {
    let paid = fake.stat("people_submitted") as usize;
    eprintln!("paid {paid} = handed out {} + kept {kept} + named {named}", handed.len());
    assert_eq!(paid, handed.len() + kept + named, "paid = handed out + kept + named");
    assert!(fake.stat("max_submits_per_person") <= 1, "a person was submitted twice");
    assert!(kept + named > 0, "left with nothing in flight: this test proves nothing");
}

/// The balance of an explicit close: the lists it returned.
fn balance_drained(fake: &FakeServer, tracker: &Tracker, drained: &Drained) {
    let mut kept = 0;
    for event in &drained.people {
        if let Event::Person { person, .. } = event {
            assert!(!tracker.handed.contains(&person.people_search_id), "both handed out and kept");
            kept += 1;
        }
    }
    let named = drained.uncertain.len() + drained.uncollected.iter().map(|u| u.people_count).sum::<usize>();
    assert_eq!((drained.stats.people_kept, drained.stats.batches_uncollected), (kept, drained.uncollected.len()));
    let leftover = drained.leftover.as_deref().expect("a leftover sentence");
    assert!(leftover.contains("Client::wait") && !leftover.contains("pubrio_"), "{leftover}");
    if let Some(first) = drained.uncollected.first() {
        assert!(leftover.contains(&first.redeem_query_id), "{leftover}");
    }
    balance(fake, &tracker.handed, kept, named);
}

/// The number before `what` in the sentence ("3 batches paid ... (30
/// people)", "2 people submitted ...", "5 people collected ..."), 0 when
/// absent.
fn count_before(sentence: &str, what: &str) -> usize {
    sentence.find(what).map_or(0, |at| {
        let digits: String = sentence[..at].trim_end().chars().rev().take_while(|c| c.is_ascii_digit()).collect();
        digits.chars().rev().collect::<String>().parse().unwrap()
    })
}

/// The balance of a dropped run: its one warning, read back.
fn balance_logged(fake: &FakeServer, tracker: &Tracker, log: &Mutex<Vec<String>>) {
    let lines = log.lock().unwrap();
    let warnings: Vec<_> = lines.iter().filter(|l| l.starts_with("a pubrio bulk run was dropped: ")).collect();
    assert_eq!(warnings.len(), 1, "{lines:?}");
    let line = warnings[0];
    assert!(line.contains("Client::wait") && !line.contains("pubrio_"), "{line}");
    let uncollected = count_before(line, "people):");
    let uncertain = count_before(line, "people submitted without").max(count_before(line, "person submitted without"));
    let kept = count_before(line, "people collected while").max(count_before(line, "person collected while"));
    balance(fake, &tracker.handed, kept, uncollected + uncertain);
}

const MOMENTS: [bool; 2] = [false, true];

#[test]
fn leaving_by_break_drops_and_logs_what_is_left() {
    for at_person in MOMENTS {
        let (fake, mut client, log) = setup();
        let mut tracker = Tracker::new(at_person);
        for event in start(&mut client) {
            if tracker.see(&event.unwrap()) {
                break;
            }
        }
        balance_logged(&fake, &tracker, &log);
    }
}

#[test]
fn leaving_by_question_mark_drops_and_logs_what_is_left() {
    fn consume(run: Bulk<'_>, tracker: &mut Tracker) -> Result<(), String> {
        for event in run {
            let event = event.map_err(|e| e.to_string())?;
            if tracker.see(&event) {
                Err("the loop body failed".to_string())?;
            }
        }
        Ok(())
    }
    for at_person in MOMENTS {
        let (fake, mut client, log) = setup();
        let mut tracker = Tracker::new(at_person);
        assert_eq!(consume(start(&mut client), &mut tracker), Err("the loop body failed".into()));
        balance_logged(&fake, &tracker, &log);
    }
}

#[test]
fn leaving_by_close_hands_back_what_was_kept() {
    for at_person in MOMENTS {
        let (fake, mut client, log) = setup();
        let mut tracker = Tracker::new(at_person);
        let mut run = start(&mut client);
        for event in run.by_ref() {
            if tracker.see(&event.unwrap()) {
                break;
            }
        }
        let drained = run.close();
        assert_eq!(drained.stopped_by, Some(Status::Cancelled), "the close stopped it");
        balance_drained(&fake, &tracker, &drained);
        let lines = log.lock().unwrap();
        assert!(!lines.iter().any(|l| l.contains("was dropped")), "close() returns what is left: {lines:?}");
    }
}

/// BulkOptions::close_timeout bounds the close: 0 cuts the submits in
/// flight at once (every answer is 100 ms late), their people named
/// uncertain instead of waited for. A cut submit may or may not have
/// reached the server: paid lies between what was handed out, kept and
/// named uncollected, and that plus the uncertain. Left at the second
/// batch accepted, the submits may all have answered already on a loaded
/// machine (answers that came are kept, not cut): tried until one leaving
/// cuts some.
#[test]
fn leaving_by_close_within_a_timeout_cuts_the_submits_in_flight() {
    let mut cut = false;
    for _ in 0..10 {
        let (fake, mut client, _log) = setup();
        let mut tracker = Tracker::new(false);
        let options = options().close_timeout(std::time::Duration::ZERO);
        let mut run = client.bulk(ids(200), ContactTypes::PHONE, &options).unwrap();
        for event in run.by_ref() {
            if tracker.see(&event.unwrap()) {
                break;
            }
        }
        let drained = run.close();
        let kept = drained.people.len();
        let uncollected: usize = drained.uncollected.iter().map(|u| u.people_count).sum();
        let sure = tracker.handed.len() + kept + uncollected;
        let paid = fake.stat("people_submitted") as usize;
        assert!(sure <= paid && paid <= sure + drained.uncertain.len(), "paid {paid}, sure {sure}: {drained:?}");
        assert!(fake.stat("max_submits_per_person") <= 1, "a person was submitted twice");
        if !drained.uncertain.is_empty() {
            cut = true;
            break;
        }
    }
    assert!(cut, "no close cut a submit in flight");
}

#[test]
fn leaving_by_drop_logs_what_is_left() {
    for at_person in MOMENTS {
        let (fake, mut client, log) = setup();
        let mut tracker = Tracker::new(at_person);
        let mut run = start(&mut client);
        for event in run.by_ref() {
            if tracker.see(&event.unwrap()) {
                break;
            }
        }
        drop(run);
        balance_logged(&fake, &tracker, &log);
        client.profile().expect("the client is free again");
    }
}

/// A cancel (from another thread, or Ctrl-C) is the run's first stop: the
/// iterator ends with Cancelled, the submits in flight answered.
fn leave_by_cancel(at_person: bool, cancel: impl Fn(&Client) -> Box<dyn FnOnce() + Send>) {
    let (fake, mut client, _log) = setup();
    let fire = cancel(&client);
    let (go, wait) = mpsc::channel::<()>();
    let canceller = std::thread::spawn(move || {
        wait.recv().unwrap();
        fire();
    });
    let mut tracker = Tracker::new(at_person);
    let mut run = start(&mut client);
    let mut go = Some(go);
    let mut stopped = None;
    for event in run.by_ref() {
        match event {
            Ok(event) => {
                if tracker.see(&event) {
                    go.take().unwrap().send(()).unwrap();
                }
            }
            Err(e) => stopped = Some(e.status),
        }
    }
    canceller.join().unwrap();
    assert_eq!(stopped, Some(Status::Cancelled));
    let drained = run.close();
    assert_eq!(drained.uncertain, Vec::<String>::new(), "a first stop lets the submits in flight finish");
    balance_drained(&fake, &tracker, &drained);
}

#[test]
fn leaving_by_a_cancel_from_another_thread() {
    for at_person in MOMENTS {
        leave_by_cancel(at_person, |client| {
            let handle = client.cancel_handle();
            Box::new(move || handle.cancel())
        });
    }
}

#[test]
fn leaving_by_ctrl_c() {
    for at_person in MOMENTS {
        leave_by_cancel(at_person, |client| {
            let guard = client.cancel_handle().cancel_on_ctrl_c().unwrap();
            assert!(client.cancel_handle().cancel_on_ctrl_c().is_err(), "one guard at a time");
            Box::new(move || {
                assert_eq!(unsafe { raise(2) }, 0, "raise(SIGINT)");
                drop(guard); // the default handler back
            })
        });
    }
}
