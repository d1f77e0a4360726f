//! Lookup entries in a bulk run (`Bulk::add_lookups`) over real HTTP to the
//! fake server's directory (tests/fake_server/fake_lookup.c): each entry's
//! event names it, a person named by two entries and an id is bought once,
//! a miss and an entry needing similarity are answered without a purchase,
//! an uncertain lookup is never resent, a rerun on the journal asks no
//! lookup again, bad entries are refused before anything is sent, a close
//! names the entries resolved and not handed out, a plan counts lookups.
mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{FakeServer, TempFile};
use pubrio::{
    Bulk, BulkLookup, BulkOptions, ContactTypes, Event, LogLevel, LookupConfidence, LookupEntry, LookupOutcome,
    LookupRequest, Resolved, Status, WaitOptions,
};

const LOOKUP: &str = "/redeem/people/contact/lookup/batch";
const SUBMIT: &str = "/redeem/people/batch";

// People of the fake's directory.
const KING: &str = "e37ccf38-ea8f-422e-9874-cb23b15e8fe4";
const JOHN: &str = "1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b";
const ANN: &str = "3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8";
const BOB: &str = "4f703d20-2db1-4de3-8e3a-5f03c6d6d9e9";

/// What a lookup entry's one event said.
#[derive(Debug)]
struct Answer {
    kind: &'static str,
    person: Option<String>,
    from_store: bool,
    lookup: BulkLookup,
}

/// Options polling every 10 ms, journaled when `journal` is given.
fn options(journal: Option<&TempFile>) -> BulkOptions {
    let wait = WaitOptions::default().delays(Duration::from_millis(10), Duration::from_millis(20));
    let options = BulkOptions::default().wait(wait);
    match journal {
        Some(journal) => options.journal(&journal.0),
        None => options,
    }
}

/// Drains a run: each lookup entry's event by its index (a second event
/// for one entry fails), the people of ids, and how the run ended.
fn drain(run: &mut Bulk<'_>) -> (BTreeMap<usize, Answer>, Vec<String>, Option<Status>) {
    let (mut answers, mut by_id, mut stopped) = (BTreeMap::new(), Vec::new(), None);
    for event in run {
        let (kind, person, from_store, lookup) = match event {
            Err(e) => {
                stopped = Some(e.status);
                continue;
            }
            Ok(Event::Person { person, lookup: None, .. }) => {
                by_id.push(person.people_search_id);
                continue;
            }
            Ok(Event::Person { person, from_store, lookup: Some(l), .. }) => {
                ("person", Some(person.people_search_id), from_store, l)
            }
            Ok(Event::NotFound { from_store, lookup: Some(l), .. }) => ("not found", None, from_store, l),
            Ok(Event::BatchFailed { lookup: Some(l), .. }) => ("failed", None, false, l),
            Ok(_) => continue,
        };
        let answer = Answer { kind, person, from_store, lookup };
        if let Some(first) = answers.insert(answer.lookup.index, answer) {
            panic!("entry {} answered twice (first {first:?})", first.lookup.index);
        }
    }
    (answers, by_id, stopped)
}

fn assert_person(answers: &BTreeMap<usize, Answer>, entries: &[LookupEntry], i: usize, id: &str, from_store: bool) {
    let a = &answers[&i];
    assert_eq!((a.kind, a.person.as_deref(), a.from_store), ("person", Some(id), from_store), "entry {i}: {a:?}");
    assert_eq!(a.lookup.outcome, LookupOutcome::Found, "entry {i}: {a:?}");
    assert_eq!(a.lookup.entry, entries[i], "entry {i} names its entry");
}

#[test]
fn each_person_is_bought_once_and_a_rerun_asks_nothing() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let journal = TempFile(common::temp_path("bulk-lookups.journal"));
    let request = LookupRequest::builder()
        .email("king.lai@pubrio.com") // 0 King
        .phone("+1 (555) 010-0002") // 1 John, also an id of the run
        .email("missing.person@people.example") // 2 a miss
        .email(" KING.LAI@pubrio.com") // 3 King again
        .entry(LookupEntry::name_at_company("Ann", "Lee", "Acme Inc")) // 4 needs similarity
        .phone("+15550100001") // 5 King's phone
        .build()
        .unwrap();
    let entries = request.entries().to_vec();
    let credit = fake.stat("credit");
    let run_once = |client: &mut pubrio::Client| {
        let mut run = client.bulk([JOHN], ContactTypes::PHONE, &options(Some(&journal))).unwrap();
        run.add_lookups(&request).unwrap();
        let (answers, by_id, stopped) = drain(&mut run);
        assert_eq!(stopped, None);
        (answers, by_id, run.close().stats)
    };
    let (answers, by_id, stats) = run_once(&mut client);
    assert_eq!(answers.len(), entries.len(), "{answers:?}");
    assert_person(&answers, &entries, 0, KING, false);
    assert_eq!(answers[&0].lookup.confidence, LookupConfidence::Exact);
    assert_person(&answers, &entries, 1, JOHN, true); // the id's purchase
    assert_person(&answers, &entries, 3, KING, true);
    assert_person(&answers, &entries, 5, KING, true);
    let miss = &answers[&2];
    assert_eq!(
        (miss.kind, miss.lookup.outcome, miss.lookup.confidence),
        ("not found", LookupOutcome::NotFound, LookupConfidence::None)
    );
    let ann = &answers[&4];
    assert_eq!((ann.kind, ann.lookup.outcome), ("not found", LookupOutcome::NotLookedUp), "{ann:?}");
    assert!(ann.lookup.reason.as_deref().unwrap_or_default().contains("similarity"), "{ann:?}");
    assert_eq!(by_id, [JOHN]);
    // One lookup request; King and John bought once each; what the fake
    // took is what the run counted.
    assert_eq!((fake.stat(LOOKUP), fake.stat(SUBMIT)), (1, 1));
    assert_eq!((fake.stat("people_submitted"), fake.stat("max_submits_per_person")), (2, 1));
    let spent = credit - fake.stat("credit");
    assert!(spent > 0);
    assert_eq!(i64::try_from(spent).unwrap(), stats.credits_charged);

    // The rerun on the journal: every entry answered again, nothing asked
    // or bought.
    let (answers, _, _) = run_once(&mut client);
    assert_eq!(answers.len(), entries.len());
    assert_person(&answers, &entries, 0, KING, true);
    assert_person(&answers, &entries, 1, JOHN, true);
    assert_eq!(answers[&2].lookup.outcome, LookupOutcome::NotFound);
    assert_eq!(answers[&4].lookup.outcome, LookupOutcome::NotLookedUp);
    assert_eq!((fake.stat(LOOKUP), fake.stat(SUBMIT)), (1, 1), "the rerun asked or bought");
    assert_eq!(credit - fake.stat("credit"), spent);
}

#[test]
fn similarity_is_opt_in() {
    let ann = LookupEntry::name_at_company("Ann", "Lee", "Acme Inc");
    for similarity in [false, true] {
        let fake = FakeServer::start(&["--estimated-time", "0"]);
        let mut client = fake.client();
        let request = LookupRequest::builder().entry(ann.clone()).similarity(similarity).build().unwrap();
        let mut run = client.bulk(Vec::<String>::new(), ContactTypes::PHONE, &options(None)).unwrap();
        run.add_lookups(&request).unwrap();
        let (answers, _, stopped) = drain(&mut run);
        drop(run);
        assert_eq!(stopped, None);
        let a = &answers[&0];
        if similarity {
            assert_person(&answers, request.entries(), 0, ANN, false);
            assert_eq!(a.lookup.confidence, LookupConfidence::SimilarityCompany);
            assert_eq!((fake.stat(LOOKUP), fake.stat("people_submitted")), (1, 1));
        } else {
            assert_eq!((a.kind, a.lookup.outcome), ("not found", LookupOutcome::NotLookedUp), "{a:?}");
            assert!(a.lookup.reason.as_deref().unwrap_or_default().contains("similarity"), "{a:?}");
            assert_eq!((fake.stat(LOOKUP), fake.stat("people_submitted")), (0, 0), "similarity off sends nothing");
        }
    }
}

/// A lookup whose answer is lost after the API acted: its entry fails
/// (maybe charged) and is never asked again, the entry after it is named
/// not sent; the rerun on the journal asks only that one.
#[test]
fn an_uncertain_lookup_is_never_resent() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    // A first lookup leaves the connection open: libcurl would resend on
    // its own a request whose reused connection dies (a double charge).
    client.lookup(&LookupRequest::builder().email("chris.wu@globex.com").build().unwrap()).unwrap();
    let journal = TempFile(common::temp_path("bulk-lookups-uncertain.journal"));
    let request = LookupRequest::builder().email("ann@acme.io").email("bob@acme.io").batch_size(1).build().unwrap();
    fake.script_reply(&format!(r#"{{"path":"{LOOKUP}","status":200,"fault":3}}"#)); // processed, then closed

    let mut run = client.bulk(Vec::<String>::new(), ContactTypes::PHONE, &options(Some(&journal))).unwrap();
    run.add_lookups(&request).unwrap();
    let (answers, _, stopped) = drain(&mut run);
    drop(run);
    assert!(stopped.is_some(), "the run ended well after a lost lookup");
    let lost = &answers[&0];
    assert_eq!((lost.kind, lost.lookup.outcome), ("failed", LookupOutcome::Failed), "{lost:?}");
    assert_eq!(lost.lookup.entry, request.entries()[0]);
    assert!(lost.lookup.reason.is_some());
    assert_eq!((answers[&1].kind, answers[&1].lookup.outcome), ("failed", LookupOutcome::NotSent));
    assert_eq!((fake.stat(LOOKUP), fake.stat(SUBMIT)), (2, 0));

    let mut run = client.bulk(Vec::<String>::new(), ContactTypes::PHONE, &options(Some(&journal))).unwrap();
    run.add_lookups(&request).unwrap();
    let (answers, _, stopped) = drain(&mut run);
    drop(run);
    assert_eq!(stopped, None);
    assert_eq!(answers[&0].lookup.outcome, LookupOutcome::Failed, "never asked again");
    assert_person(&answers, request.entries(), 1, BOB, false);
    assert_eq!(fake.stat(LOOKUP), 3, "the rerun asks Bob alone");
}

#[test]
fn one_request_a_run_before_it_starts() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let request = LookupRequest::builder().email("ann@acme.io").build().unwrap();
    {
        let mut run = client.bulk(common::ids(1), ContactTypes::PHONE, &options(None)).unwrap();
        run.add_lookups(&request).unwrap();
        let second = run.add_lookups(&request).unwrap_err();
        assert_eq!(second.status, Status::InvalidArgument, "{second}");
        assert!(second.message.contains("one lookup request"), "{second}");
        assert_eq!(fake.stat("total"), 0, "nothing sent before the first event");
    }
    let mut run = client.bulk(common::ids(1), ContactTypes::PHONE, &options(None)).unwrap();
    assert!(matches!(run.next(), Some(Ok(_))));
    let late = run.add_lookups(&request).unwrap_err();
    assert_eq!(late.status, Status::InvalidArgument, "{late}");
    assert!(late.message.contains("before the run starts"), "{late}");
    let (answers, _, _) = drain(&mut run);
    assert!(answers.is_empty(), "nothing was added: {answers:?}");
    drop(run);
    assert_eq!(fake.stat(LOOKUP), 0);
}

/// King and John found, a miss, a name not looked up: the request of the
/// close and plan tests.
fn four_entries() -> LookupRequest {
    LookupRequest::builder()
        .email("king.lai@pubrio.com") // 0 King
        .email("missing.person@people.example") // 1 a miss
        .phone("+1 (555) 010-0002") // 2 John
        .entry(LookupEntry::name_at_company("Ann", "Lee", "Acme Inc")) // 3 needs similarity
        .build()
        .unwrap()
}

/// A run whose lookup request is answered and whose purchase is held by a
/// rate of 1 request a minute (the lookup took it): only the miss and the
/// name are handed out, King and John are resolved (paid) and not bought.
fn run_held_after_the_lookup<'c>(client: &'c mut pubrio::Client, request: &LookupRequest) -> Bulk<'c> {
    let held = options(None).rate_limit(1).read_account(false);
    let mut run = client.bulk(Vec::<String>::new(), ContactTypes::PHONE, &held).unwrap();
    run.add_lookups(request).unwrap();
    let mut answered = Vec::new();
    while answered.len() < 2 {
        match run.next() {
            Some(Ok(Event::NotFound { lookup: Some(l), .. })) => answered.push(l.index),
            other => panic!("{other:?} before the close"),
        }
    }
    answered.sort_unstable();
    assert_eq!(answered, [1, 3], "the miss and the name");
    let stats = run.stats();
    assert_eq!((stats.lookups_to_send, stats.lookups_found, stats.lookups_not_found), (0, 2, 1));
    run
}

fn resolved_fields(resolved: &[Resolved]) -> Vec<(usize, LookupEntry, String, LookupConfidence)> {
    resolved.iter().map(|r| (r.index, r.entry.clone(), r.people_search_id.clone(), r.confidence)).collect()
}

#[test]
fn a_close_names_the_lookups_it_resolved() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let request = four_entries();
    let entries = request.entries().to_vec();
    let run = run_held_after_the_lookup(&mut client, &request);
    let drained = run.close();
    assert_eq!(drained.stopped_by, Some(Status::Cancelled));
    assert!(drained.people.is_empty(), "nobody was bought: {:?}", drained.people);
    assert_eq!(
        resolved_fields(&drained.resolved),
        [
            (0, entries[0].clone(), KING.to_string(), LookupConfidence::Exact),
            (2, entries[2].clone(), JOHN.to_string(), LookupConfidence::Exact)
        ]
    );
    let leftover = drained.leftover.unwrap_or_default();
    assert!(leftover.contains("2 lookup entries resolved (paid)"), "{leftover}");
    assert!(leftover.contains("Drained::resolved"), "{leftover}");
    assert_eq!((fake.stat(LOOKUP), fake.stat(SUBMIT)), (1, 0), "looked up once, nobody bought");
}

#[test]
fn a_dropped_run_logs_the_lookups_it_resolved() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let log = Arc::new(Mutex::new(Vec::new()));
    let lines = Arc::clone(&log);
    client.set_log(LogLevel::Warn, move |_, line| lines.lock().unwrap().push(line.to_string())).unwrap();
    drop(run_held_after_the_lookup(&mut client, &four_entries()));
    let lines = log.lock().unwrap();
    let warning = lines.iter().find(|l| l.contains("dropped")).unwrap_or_else(|| panic!("no warning in {lines:?}"));
    assert!(warning.contains("2 lookup entries resolved (paid)"), "{warning}");
    assert!(warning.contains("Drained::resolved"), "{warning}");
}

#[test]
fn a_plan_counts_lookups_and_their_worst_case() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    let mut client = fake.client();
    let journal = TempFile(common::temp_path("bulk-lookups-plan.journal"));
    let priced = options(Some(&journal)).read_account(false).prices(3, 5);
    let request = four_entries();
    // A plan's stats, and its worst case with the lookups' own credits.
    let plan_of = |client: &mut pubrio::Client, lookups: bool| {
        let mut plan = client.plan([BOB], ContactTypes::PHONE, &priced).unwrap();
        if lookups {
            plan.add_lookups(&request).unwrap();
        }
        (plan.stats(), plan.worst_case_credits())
    };
    let (ids_only, ids_only_worst) = plan_of(&mut client, false);
    let (dry, dry_worst) = plan_of(&mut client, true);
    assert_eq!((dry.lookups, dry.lookups_to_send, dry.lookups_found, dry.lookups_not_found), (4, 3, 0, 0));
    // Each entry to send may find a person to buy (a phone at 5), and its
    // lookup costs 1 credit at worst: both in the plan's worst case.
    assert_eq!(dry.credits_worst_case, ids_only.credits_worst_case + 3 * 5);
    assert_eq!(ids_only_worst, ids_only.credits_worst_case);
    assert_eq!(dry_worst, dry.credits_worst_case + 3);
    assert_eq!(dry.planned_requests, ids_only.planned_requests + 1, "one lookup request");
    assert_eq!(fake.stat("total"), 0, "a plan sends nothing");
    assert!(!journal.0.exists(), "a plan creates no journal");

    let mut plan = client.plan([BOB], ContactTypes::PHONE, &priced).unwrap();
    plan.add_lookups(&request).unwrap();
    let second = plan.add_lookups(&request).unwrap_err();
    assert_eq!(second.status, Status::InvalidArgument, "{second}");
}
