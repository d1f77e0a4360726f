//! examples/bulk_lookups.rs run against the fake server's directory (a
//! test binary of its own: it sets PUBRIO_BASE_URL and PUBRIO_API_KEY, read
//! by `Client::from_env`, with no other test running beside it).
mod common;

#[path = "../examples/bulk_lookups.rs"]
mod example;

use common::FakeServer;

#[test]
fn the_bulk_lookups_example_runs() {
    let fake = FakeServer::start(&["--estimated-time", "0"]);
    std::env::set_var("PUBRIO_BASE_URL", &fake.url);
    std::env::set_var("PUBRIO_API_KEY", "test-key");
    example::main().unwrap();
    // King's email and phone, and Ann by similarity: one lookup request,
    // King bought once, Ann once.
    assert_eq!(fake.stat("/redeem/people/contact/lookup/batch"), 1);
    assert_eq!((fake.stat("people_submitted"), fake.stat("max_submits_per_person")), (2, 1));
}
