//! The account calls against the fake server: the profile (balance,
//! prices, plan), the usage (quotas), and the single redeem, sent once.
mod common;

use common::{fake_phone, ids, FakeServer};
use pubrio::{ContactTypes, Status, SubmitState};

#[test]
fn profile_reads_the_balance_prices_and_plan() {
    let fake =
        FakeServer::start(&["--email-price", "3", "--phone-price", "5", "--credit", "777", "--plan-name", "Rusty"]);
    let mut client = fake.client();
    let profile = client.profile().unwrap();
    assert_eq!(profile.credit, Some(777));
    assert_eq!(profile.topup_credit, Some(235237), "the fake's fixed top-up");
    assert_eq!((profile.email_price, profile.phone_price), (Some(3), Some(5)));
    assert_eq!(profile.plan_name.as_deref(), Some("Rusty"));
    assert_eq!(profile.api_access, Some(true));
    assert_eq!(fake.stat("/profile"), 1);
    assert_eq!(fake.stat("/redeem/people"), 0, "reading the profile spends nothing");
}

#[test]
fn usage_reads_the_quotas_used_and_allowed() {
    let fake = FakeServer::start(&["--quota", "50/h", "--quota", "1000/day"]);
    let mut client = fake.client();
    let first = client.usage().unwrap();
    assert_eq!(first.hourly_allowed, Some(50));
    assert_eq!(first.daily_allowed, Some(1000));
    assert_eq!(first.monthly_allowed, Some(0), "no monthly quota");
    assert_eq!(first.last_refreshed.as_deref(), Some("2026-11-13T10:01:13.051Z"));
    let used = first.hourly_used.expect("the hour's use is known");
    client.profile().unwrap();
    let second = client.usage().unwrap();
    assert!(second.hourly_used.unwrap() > used, "requests count against the quota: {first:?} then {second:?}");
    assert_eq!(second.daily_used.unwrap() - first.daily_used.unwrap(), second.hourly_used.unwrap() - used);
}

#[test]
fn redeem_person_by_id_and_by_url_charges_once_at_the_price() {
    let fake = FakeServer::start(&["--phone-price", "4"]);
    let mut client = fake.client();
    // A person the fake has a phone for.
    let id = ids(20).into_iter().find(|id| fake_phone(id).is_some()).unwrap();
    let result = client.redeem_person(&id, ContactTypes::PHONE).unwrap();
    assert_eq!(result.people.len(), 1);
    let person = &result.people[0];
    assert_eq!(person.people_search_id, id);
    assert_eq!(person.phones.iter().filter_map(|c| c.value.clone()).collect::<Vec<_>>(), [fake_phone(&id).unwrap()]);
    assert_eq!(result.total_charged_credit, Some(4), "one phone at the plan's price");
    assert!(result.query.is_completed);

    let by_url = client.redeem_person("https://www.linkedin.com/in/Rust-Person/", ContactTypes::PHONE).unwrap();
    let resolved = &by_url.people.first().expect("the fake resolves every slug but nobody*").people_search_id;
    assert_eq!(resolved.len(), 36, "the API's id for the URL: {resolved}");
    assert_ne!(resolved, &id);
    assert_eq!(fake.stat("/redeem/people"), 2);
    assert_eq!(fake.stat("max_submits_per_person"), 1);
}

#[test]
fn redeem_person_refuses_bad_input_before_sending() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    for bad in ["540574d1-bad", "https://www.example.com/in/someone", "https://www.linkedin.com/company/x", ""] {
        let err = client.redeem_person(bad, ContactTypes::PHONE).unwrap_err();
        assert_eq!(err.status, Status::InvalidArgument, "{bad}: {err}");
        assert_eq!(err.submit_state, SubmitState::NotSpent, "{bad}");
    }
    let err = client.redeem_person(&ids(1)[0], ContactTypes::default()).unwrap_err();
    assert_eq!(err.status, Status::InvalidArgument, "no contact type: {err}");
    assert_eq!(fake.stat("total"), 0);
}

#[test]
fn a_failed_redeem_person_is_uncertain_and_not_resent() {
    let fake = FakeServer::start(&[]);
    let mut client = fake.client();
    fake.script_reply(r#"{"path":"/redeem/people","status":500,"body":"{\"error\":\"boom\"}"}"#);
    let err = client.redeem_person(&ids(1)[0], ContactTypes::PHONE).unwrap_err();
    assert_eq!(err.status, Status::Server, "{err}");
    assert_eq!(err.submit_state, SubmitState::Uncertain, "maybe charged");
    assert_eq!(fake.stat("/redeem/people"), 1, "sent once, never repeated");
}
