use pubrio::{Client, LookupEntry, LookupRequest};
fn main() -> Result<(), pubrio::Error> {
    let mut client = Client::from_env()?; // PUBRIO_API_KEY (and PUBRIO_BASE_URL)
    let request = LookupRequest::builder()
        .email("king.lai@pubrio.com")
        .phone("+1 (555) 010-0002")
        .entry(LookupEntry::name_at_company("Ann", "Lee", "Acme Inc"))
        .similarity(true) // a name match can name the wrong person: opt in
        .build()?; // a bad entry is an Err naming it, and nothing is sent
    println!("at most {} credits", request.plan()?.worst_case_credits);
    let answers = match client.lookup(&request) {
        Ok(result) => result.answers,
        Err(err) => {
            eprintln!("{err}"); // names the failed entries; err.submit_state: maybe charged?
            err.into_details().lookup_result.map(|paid| paid.answers).unwrap_or_default()
        }
    };
    for (i, answer) in answers.iter().enumerate() {
        let id = answer.people_search_id.as_deref().unwrap_or("-");
        println!("{i}: {:?} {id} {}", answer.outcome, answer.confidence);
    }
    Ok(())
}
