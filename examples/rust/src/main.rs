use pubrio::{BatchRequest, Client, ContactTypes};
fn main() -> Result<(), pubrio::Error> {
    let mut client = Client::from_env()?; // PUBRIO_API_KEY (and PUBRIO_BASE_URL)
    let request = BatchRequest::new(std::env::args().skip(1), ContactTypes::PHONE)?;
    for person in client.submit_and_wait(&request)?.people {
        println!("{person}");
    }
    Ok(())
}
