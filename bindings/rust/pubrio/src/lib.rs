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
//! libpubrio is found with pkg-config. This crate's tests and examples run
//! without `LD_LIBRARY_PATH` (they carry the library's directory as their
//! rpath); a program of your own does the same with a `build.rs` of three
//! lines (or install the library where the loader looks, as the
//! libpubrio-dev package does):
//!
//! ```ignore
//! // build.rs of a program depending on pubrio (examples/rust/build.rs is one)
//! fn main() {
//!     if let Ok(dir) = std::env::var("DEP_PUBRIO_RS_LIBDIR") {
//!         println!("cargo:rustc-link-arg=-Wl,-rpath,{dir}");
//!     }
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
//! Emails, phones and names (with a domain or a company) resolve to people
//! with [`Client::lookup`]: a [`LookupAnswer`] per [`LookupEntry`], in
//! entry order, sent once like a submit.
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
mod bulk_lookups;
mod client;
mod error;
mod hooks;
mod interrupt;
mod journal;
mod lookup;
mod request;
mod stats;
mod types;
mod wait;

pub use account::{Profile, Usage};
pub use bulk::{Bulk, BulkOptions, Drained, Event, JournalOptions, Plan, Uncollected};
pub use bulk_lookups::{BulkLookup, Resolved};
pub use client::{CancelHandle, Client};
pub use error::{Error, ErrorDetails, Result, Status, SubmitState};
pub use hooks::{Clock, LogLevel};
pub use interrupt::CtrlCGuard;
pub use journal::{Journal, JournalPeople, JournalRun};
pub use lookup::{
    LookupAnswer, LookupConfidence, LookupEntry, LookupOutcome, LookupPlan, LookupRequest, LookupRequestBuilder,
    LookupResult,
};
pub use request::{BatchRequest, RequestBuilder};
pub use stats::BulkStats;
pub use types::{BatchJob, Contact, ContactType, ContactTypes, Person, QueryResult};
pub use wait::WaitOptions;

/// Read a rate as a person writes it (`300`, `300/min`, `2400/h`,
/// `15/10s`): the requests and the window.
pub fn parse_rate(text: &str) -> Result<(i64, std::time::Duration)> {
    let text = error::c_string(text, "rate")?;
    let err = error::ErrorSlot::new();
    let (mut requests, mut window_ms) = (0, 0);
    err.check(unsafe { pubrio_sys::pubrio_rate_parse(text.as_ptr(), &mut requests, &mut window_ms, err.ptr()) })?;
    Ok((requests, std::time::Duration::from_millis(window_ms.unsigned_abs())))
}

/// The canonical form of a LinkedIn profile URL
/// (`https://www.linkedin.com/in/SLUG`), or `InvalidArgument` for anything
/// that is not one.
pub fn normalize_linkedin_url(url: &str) -> Result<String> {
    let url = error::c_string(url, "LinkedIn URL")?;
    let err = error::ErrorSlot::new();
    let mut out = vec![0 as std::os::raw::c_char; pubrio_sys::PUBRIO_LINKEDIN_URL_MAX];
    err.check(unsafe {
        pubrio_sys::pubrio_linkedin_url_normalize(url.as_ptr(), out.as_mut_ptr(), out.len(), err.ptr())
    })?;
    Ok(error::opt_string(out.as_ptr()).unwrap_or_default())
}

/// The version of the libpubrio loaded at run time.
pub fn library_version() -> String {
    error::opt_string(unsafe { pubrio_sys::pubrio_version() }).unwrap_or_default()
}
