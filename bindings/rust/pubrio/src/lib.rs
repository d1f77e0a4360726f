//! A safe Rust API over libpubrio, a client for Pubrio's batch redeem API.
//!
//! ```no_run
//! use pubrio::{BatchRequest, Client, ContactTypes};
//! fn main() -> Result<(), pubrio::Error> {
//!     let mut client = Client::from_env()?; // PUBRIO_API_KEY, PUBRIO_BASE_URL
//!     let request = BatchRequest::new(["540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11"], ContactTypes::PHONE)?;
//!     for person in client.submit_and_wait(&request)?.people {
//!         println!("{person}");
//!     }
//!     Ok(())
//! }
//! ```
//!
//! Every call returns [`Result`]; an [`Error`] carries the typed [`Status`],
//! the HTTP status, the server's message, the request id and, for a submit,
//! the [`SubmitState`] (whether credits may have been spent) and the paid
//! batch's id. Bad input fails before anything is sent. Everything the
//! library allocates is freed on drop; results are owned Rust values.
//!
//! A [`Client`] is `Send`, not `Sync` (the C client serves one thread at a
//! time); a [`CancelHandle`] stops its calls from any thread. Any number of
//! people go through [`Client::bulk`], an `Iterator` over [`Event`]s.
//!
//! ```compile_fail
//! // A Client is not Sync: two threads cannot share one.
//! fn shared<T: Sync>() {}
//! shared::<pubrio::Client>();
//! ```
//!
//! ```
//! // A Client is Send, a CancelHandle Send and Sync.
//! fn sent<T: Send>() {}
//! fn shared<T: Send + Sync>() {}
//! sent::<pubrio::Client>();
//! shared::<pubrio::CancelHandle>();
//! ```
mod account;
mod bulk;
mod client;
mod error;
mod hooks;
mod journal;
mod request;
mod types;
mod wait;

pub use account::{Profile, Usage};
pub use bulk::{Bulk, BulkOptions, BulkStats, Event, Uncollected};
pub use client::{CancelHandle, Client};
pub use error::{Error, ErrorDetails, Result, Status, SubmitState};
pub use hooks::{Clock, LogLevel};
pub use journal::{Journal, JournalPeople, JournalRun};
pub use request::{BatchRequest, RequestBuilder};
pub use types::{BatchJob, Contact, ContactType, ContactTypes, Person, QueryResult};
pub use wait::WaitOptions;

/// The version of the libpubrio loaded at run time.
pub fn library_version() -> String {
    error::opt_string(unsafe { pubrio_sys::pubrio_version() }).unwrap_or_default()
}
