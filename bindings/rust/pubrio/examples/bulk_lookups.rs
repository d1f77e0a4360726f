//! Lookup entries in a bulk run: the people a list names by email, phone
//! or name, found and bought in one run (`cargo run --example bulk_lookups`
//! with `PUBRIO_API_KEY` set; tests/bulk_lookups_example.rs runs it against
//! the fake server's directory).
use pubrio::{BulkOptions, Client, ContactTypes, Event, LookupEntry, LookupRequest};

pub fn main() -> Result<(), pubrio::Error> {
    let mut client = Client::from_env()?; // PUBRIO_API_KEY (and PUBRIO_BASE_URL)
    let request = LookupRequest::builder()
        .email("king.lai@pubrio.com")
        .phone("+1 555 010 0001") // King again: bought once
        .email("missing@people.example")
        .entry(LookupEntry::name_at_company("Ann", "Lee", "Acme Inc"))
        .similarity(true) // a name match can name the wrong person: opt in
        .build()?; // a bad entry is an Err naming it, and nothing is sent
    let options = BulkOptions::default().max_credits(1000); // .journal(path): a rerun asks no lookup again
    let ids: [&str; 0] = []; // people_search_ids go beside the entries
    let mut run = client.bulk(ids, ContactTypes::PHONE, &options)?;
    run.add_lookups(&request)?;
    for event in &mut run {
        match event? {
            Event::Person { person, lookup: Some(l), from_store, .. } => {
                println!("{}: {:?} {} {person} from_store={from_store}", l.index, l.outcome, l.confidence)
            }
            Event::NotFound { lookup: Some(l), .. } => println!("{}: {:?} {:?}", l.index, l.outcome, l.entry),
            Event::BatchFailed { lookup: Some(l), message, .. } => println!("{}: {:?}: {message}", l.index, l.outcome),
            _ => {}
        }
    }
    let drained = run.close(); // what is paid and not delivered, if the loop was left early
    if let Some(leftover) = drained.leftover {
        eprintln!("{leftover}");
    }
    Ok(())
}
