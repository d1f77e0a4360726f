//! `Bulk`: a bulk run as an `Iterator` over its events (accepted batches,
//! people, collected batches), with its counts and, after a stop, the paid
//! batches it did not collect.
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::ptr::{self, NonNull};
use std::time::Duration;

use pubrio_sys as sys;

use crate::bulk_lookups::{BulkLookup, Resolved};
use crate::client::Client;
use crate::error::{c_string, opt_string, ErrorSlot, Result, Status};
use crate::lookup::{LookupEntry, LookupRequest};
use crate::stats::{self, BulkStats};
use crate::types::{BatchJob, ContactTypes, Person};
use crate::wait::WaitOptions;

/// A bulk run's journal: the file recording it, so that a rerun on it
/// collects what was paid for and submits nobody twice.
///
/// ```
/// use pubrio::{BulkOptions, JournalOptions};
/// let options = BulkOptions::default().journal("run.journal");
/// let resend = BulkOptions::default().journal(JournalOptions::new("run.journal").resubmit_uncertain(true));
/// # let _ = (options, resend);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalOptions {
    /// The journal's file (created when missing).
    pub path: PathBuf,
    /// Send again, on a rerun, the people whose submit got no answer: they
    /// may be charged twice. Off by default.
    pub resubmit_uncertain: bool,
}

impl JournalOptions {
    /// A journal in `path`; the uncertain people are not sent again.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        JournalOptions { path: path.into(), resubmit_uncertain: false }
    }
    /// Whether to send the people an earlier submit left uncertain again.
    pub fn resubmit_uncertain(mut self, resubmit: bool) -> Self {
        self.resubmit_uncertain = resubmit;
        self
    }
}

impl From<PathBuf> for JournalOptions {
    fn from(path: PathBuf) -> Self {
        JournalOptions::new(path)
    }
}
impl From<&PathBuf> for JournalOptions {
    fn from(path: &PathBuf) -> Self {
        JournalOptions::new(path)
    }
}
impl From<&Path> for JournalOptions {
    fn from(path: &Path) -> Self {
        JournalOptions::new(path)
    }
}
impl From<&str> for JournalOptions {
    fn from(path: &str) -> Self {
        JournalOptions::new(path)
    }
}
impl From<String> for JournalOptions {
    fn from(path: String) -> Self {
        JournalOptions::new(path)
    }
}

/// How a bulk run goes; `None` keeps the library's default (batches of 100,
/// 8 requests in flight, 300 requests a minute, no journal, no budget).
#[derive(Debug, Clone, Default)]
pub struct BulkOptions {
    /// People per batch, 1..100.
    pub batch_size: Option<u32>,
    /// Requests in flight at once, 1..64.
    pub max_in_flight: Option<u32>,
    /// Requests a minute, submits and polls together.
    pub rate_limit: Option<u32>,
    /// How to wait for each batch; its timeout is the whole run's deadline.
    pub wait: Option<WaitOptions>,
    /// Only submit; collect later with `Client::wait`.
    pub submit_only: bool,
    /// Journal the run (a rerun resumes).
    pub journal: Option<JournalOptions>,
    /// Stop submitting before the charges could pass this many credits.
    pub max_credits: Option<i64>,
    /// Send `profile_id` with every request.
    pub profile_id: Option<i64>,
    /// Credits an email and a phone number, for the credit budget and the
    /// counts (else read from the account, else 1 a contact).
    pub prices: Option<(i64, i64)>,
    /// Buy again what the journal already holds (default: hand it out
    /// from the journal, at no cost).
    pub refresh: bool,
    /// Rate windows of your own beside the minute limit: at most `.0`
    /// requests in any `.1` (up to 8).
    pub rates: Vec<(i64, Duration)>,
    /// Whether the run reads the account (POST /profile and
    /// /profile/usage, free) before its first request; `None`: yes.
    pub read_account: Option<bool>,
    /// How long leaving the run ([`Bulk::close`], or a drop) waits for the
    /// submits in flight to answer; past it they are cut and their people
    /// named uncertain (maybe charged, never resent). `None`: each
    /// request's own timeout.
    pub close_timeout: Option<Duration>,
}

impl BulkOptions {
    /// People per batch.
    pub fn batch_size(mut self, n: u32) -> Self {
        self.batch_size = Some(n);
        self
    }
    /// Requests in flight at once.
    pub fn max_in_flight(mut self, n: u32) -> Self {
        self.max_in_flight = Some(n);
        self
    }
    /// Requests a minute.
    pub fn rate_limit(mut self, per_minute: u32) -> Self {
        self.rate_limit = Some(per_minute);
        self
    }
    /// How to wait for each batch.
    pub fn wait(mut self, wait: WaitOptions) -> Self {
        self.wait = Some(wait);
        self
    }
    /// Only submit.
    pub fn submit_only(mut self, submit_only: bool) -> Self {
        self.submit_only = submit_only;
        self
    }
    /// Journal the run: a path, or [`JournalOptions`].
    pub fn journal(mut self, journal: impl Into<JournalOptions>) -> Self {
        self.journal = Some(journal.into());
        self
    }
    /// A credit budget.
    pub fn max_credits(mut self, credits: i64) -> Self {
        self.max_credits = Some(credits);
        self
    }
    /// A profile id.
    pub fn profile_id(mut self, id: i64) -> Self {
        self.profile_id = Some(id);
        self
    }
    /// The account's price of an email and of a phone number.
    pub fn prices(mut self, email: i64, phone: i64) -> Self {
        self.prices = Some((email, phone));
        self
    }
    /// Buy again what the journal already holds.
    pub fn refresh(mut self, refresh: bool) -> Self {
        self.refresh = refresh;
        self
    }
    /// One more rate window: at most `requests` in any `window`.
    pub fn add_rate(mut self, requests: i64, window: Duration) -> Self {
        self.rates.push((requests, window));
        self
    }
    /// Whether to read the account before the first request.
    pub fn read_account(mut self, read: bool) -> Self {
        self.read_account = Some(read);
        self
    }
    /// How long leaving the run waits for the submits in flight.
    pub fn close_timeout(mut self, timeout: Duration) -> Self {
        self.close_timeout = Some(timeout);
        self
    }

    fn to_raw(&self) -> Result<RawBulkOptions> {
        let err = ErrorSlot::new();
        let mut raw = ptr::null_mut();
        err.check(unsafe { sys::pubrio_bulk_options_new(&mut raw, err.ptr()) })?;
        let options = RawBulkOptions(NonNull::new(raw).expect("NULL options with OK"));
        let int = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
        unsafe {
            if let Some(n) = self.batch_size {
                err.check(sys::pubrio_bulk_options_set_batch_size(raw, int(n), err.ptr()))?;
            }
            if let Some(n) = self.max_in_flight {
                err.check(sys::pubrio_bulk_options_set_max_in_flight(raw, int(n), err.ptr()))?;
            }
            if let Some(n) = self.rate_limit {
                err.check(sys::pubrio_bulk_options_set_rate_limit(raw, int(n), err.ptr()))?;
            }
            if let Some(wait) = &self.wait {
                let wait = wait.to_raw()?;
                err.check(sys::pubrio_bulk_options_set_wait(raw, wait.as_ptr(), err.ptr()))?;
            }
            err.check(sys::pubrio_bulk_options_set_submit_only(raw, self.submit_only.into(), err.ptr()))?;
            if let Some(journal) = &self.journal {
                let path = c_string(&journal.path.to_string_lossy(), "journal path")?;
                let resubmit = journal.resubmit_uncertain.into();
                err.check(sys::pubrio_bulk_options_set_journal(raw, path.as_ptr(), resubmit, err.ptr()))?;
            }
            if let Some(n) = self.max_credits {
                err.check(sys::pubrio_bulk_options_set_max_credits(raw, n, err.ptr()))?;
            }
            if let Some(id) = self.profile_id {
                err.check(sys::pubrio_bulk_options_set_profile_id(raw, id, err.ptr()))?;
            }
            if let Some((email, phone)) = self.prices {
                err.check(sys::pubrio_bulk_options_set_prices(raw, email, phone, err.ptr()))?;
            }
            err.check(sys::pubrio_bulk_options_set_refresh(raw, self.refresh.into(), err.ptr()))?;
            for (requests, window) in &self.rates {
                let ms = i64::try_from(window.as_millis()).unwrap_or(i64::MAX);
                err.check(sys::pubrio_bulk_options_add_rate(raw, *requests, ms, err.ptr()))?;
            }
            if let Some(read) = self.read_account {
                err.check(sys::pubrio_bulk_options_set_read_account(raw, read.into(), err.ptr()))?;
            }
        }
        Ok(options)
    }
}

struct RawBulkOptions(NonNull<sys::pubrio_bulk_options>);

impl Drop for RawBulkOptions {
    fn drop(&mut self) {
        unsafe { sys::pubrio_bulk_options_free(self.0.as_ptr()) }
    }
}

/// One event of a bulk run.
#[non_exhaustive]
#[derive(Debug, Clone)]
pub enum Event {
    /// A batch was submitted and accepted (credits are being spent): its
    /// number (from 1), the submit's answer and its people.
    BatchAccepted {
        /// The batch's number.
        batch: u32,
        /// The submit's answer, with the batch's `redeem_query_id`.
        job: BatchJob,
        /// The batch's people.
        people: Vec<String>,
    },
    /// A person's contacts.
    #[non_exhaustive]
    Person {
        /// The batch's number (0 when handed out from the journal or
        /// redeemed alone by LinkedIn URL).
        batch: u32,
        /// The batch's id ("" when handed out from the journal or
        /// redeemed alone by LinkedIn URL).
        redeem_query_id: String,
        /// The person.
        person: Person,
        /// Every asked type was bought by an earlier run, or in this one by
        /// a LinkedIn URL naming the same person: handed out from the
        /// journal, no request, no credit.
        from_store: bool,
        /// The LinkedIn URL (normalized) this person was asked by, when it
        /// was one ([`Bulk::add_linkedin_urls`]).
        linkedin_url: Option<String>,
        /// The lookup entry this person was found by, when it was one
        /// ([`Bulk::add_lookups`]): its index, the entry, the confidence.
        lookup: Option<BulkLookup>,
    },
    /// A LinkedIn URL names nobody Pubrio knows (no credit), or a lookup
    /// entry found nobody or was not looked up (`lookup` says which).
    #[non_exhaustive]
    NotFound {
        /// The URL, normalized ("" for a lookup entry).
        linkedin_url: String,
        /// Known from an earlier run on the journal: nothing was asked.
        from_store: bool,
        /// The lookup entry ([`Bulk::add_lookups`]), when it is one.
        lookup: Option<BulkLookup>,
    },
    /// A batch was collected.
    BatchDone {
        /// The batch's number.
        batch: u32,
        /// The batch's id.
        redeem_query_id: String,
    },
    /// A batch failed and the run goes on without it (the run ends with
    /// its status): a submit without a conclusive answer (its `people` are
    /// left uncertain: maybe charged, never resent), or an accepted batch
    /// whose answer broke the contract (paid, not collected: it stays in
    /// [`Bulk::uncollected`]). Also a LinkedIn URL's single redeem, and a
    /// lookup entry whose lookup failed (`lookup`).
    #[non_exhaustive]
    BatchFailed {
        /// The batch's number.
        batch: u32,
        /// The batch's id, when it was accepted.
        redeem_query_id: Option<String>,
        /// Why.
        status: Status,
        /// A sentence.
        message: String,
        /// An uncertain submit's people; else empty.
        people: Vec<String>,
        /// The LinkedIn URL whose single redeem failed; else `None`.
        linkedin_url: Option<String>,
        /// The lookup entry ([`Bulk::add_lookups`]) whose lookup failed or
        /// whose person was not bought; else `None`.
        lookup: Option<BulkLookup>,
    },
    /// Never sent any more: an answer naming people its batch does not
    /// hold is a [`Event::BatchFailed`].
    #[deprecated(note = "retired by libpubrio: such an answer is an Event::BatchFailed")]
    Strangers {
        /// The batch's number.
        batch: u32,
        /// The batch's id.
        redeem_query_id: String,
        /// How many.
        count: usize,
    },
    /// The run's counts.
    Progress(BulkStats),
}

/// A batch that was accepted (paid) and not collected: collect it with
/// `Client::wait(&redeem_query_id)`, never submit it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncollected {
    /// The batch's id.
    pub redeem_query_id: String,
    /// People it holds.
    pub people_count: usize,
}

/// What [`Bulk::close`] hands back and names: the people the close
/// collected and did not hand out, the lookup entries resolved to people
/// it did not hand out, and what is paid and not delivered.
#[non_exhaustive]
#[derive(Debug, Clone, Default)]
pub struct Drained {
    /// [`Event::Person`] and [`Event::NotFound`] events collected and not
    /// handed out, in the order the iterator would have given them: paid
    /// for, handed back here.
    pub people: Vec<Event>,
    /// Batches accepted (paid) and not collected: collect each with
    /// [`Client::wait`], never submit them again.
    pub uncollected: Vec<Uncollected>,
    /// People (`people_search_id`, or the LinkedIn URL of a single redeem)
    /// submitted without a conclusive answer: maybe charged, never resent
    /// unless asked ([`JournalOptions::resubmit_uncertain`] on a rerun).
    pub uncertain: Vec<String>,
    /// One sentence naming all that is left (the library's, with this
    /// crate's calls); `None` when nothing paid is left undelivered.
    pub leftover: Option<String>,
    /// What stopped the run; `None` when it had finished.
    pub stopped_by: Option<Status>,
    /// The counts as the close left them.
    pub stats: BulkStats,
    /// Lookup entries ([`Bulk::add_lookups`]) resolved (paid) to a person
    /// the run did not hand out, in entry order: each names its entry and
    /// the person's `people_search_id`, so what the lookups paid for is
    /// not lost (buy the people by id; never look them up again).
    pub resolved: Vec<Resolved>,
}

/// A bulk run: iterate it for `Result<Event>` until the run is finished
/// (`None`) or stopped (one `Err`, then `None`). After a stop,
/// [`uncollected`](Self::uncollected) names every paid batch not collected.
/// [`stop`](Self::stop) drains: nothing new starts, submits in flight are
/// answered (polls are cut: they spend nothing), then the iterator ends
/// with `Err(Cancelled)`.
///
/// However the loop is left, the run is closed through the library's one
/// drain: [`close`](Self::close) (iterate with `run.by_ref()` to keep the
/// run) returns the people collected and not handed out and names what is
/// paid and not delivered ([`Drained`]); dropping the run (a `break` of a
/// `for` over it, a `?` out of the loop, a panic) closes it the same way
/// and writes the [`Drained::leftover`] sentence to the client's log
/// receiver at [`LogLevel::Warn`](crate::LogLevel::Warn), or to stderr
/// when there is none. Ctrl-C: [`CancelHandle::cancel_on_ctrl_c`](crate::CancelHandle::cancel_on_ctrl_c).
pub struct Bulk<'c> {
    raw: NonNull<sys::pubrio_bulk>,
    started: bool,
    ended: bool,
    closed: bool,
    close_timeout_ms: i64,     // BulkOptions::close_timeout; -1: each request's own
    lookups: Vec<LookupEntry>, // add_lookups' entries, named by the events
    client: &'c mut Client,
}

// The run has no thread affinity; it borrows its client mutably.
unsafe impl Send for Bulk<'_> {}

impl<'c> Bulk<'c> {
    pub(crate) fn new<I, S>(
        client: &'c mut Client,
        people: I,
        types: ContactTypes,
        options: &BulkOptions,
    ) -> Result<Bulk<'c>>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let raw = new_raw(client, people, types, options, sys::pubrio_bulk_new)?;
        Ok(Bulk {
            raw: raw.into_raw(),
            started: false,
            ended: false,
            closed: false,
            close_timeout_ms: close_timeout_ms(options),
            lookups: Vec::new(),
            client,
        })
    }

    /// Add people by LinkedIn profile URL, before the first event. Each URL
    /// is normalized and de-duplicated; all or nothing (a URL that is not
    /// a LinkedIn profile is `InvalidArgument` naming its index, and none
    /// is added). Each is redeemed alone (POST /redeem/people: spends
    /// credits, sent once, within the run's rate and credit budgets) before
    /// any batch; its person comes as [`Event::Person`] with
    /// `linkedin_url` set, or [`Event::NotFound`]. An id of the run naming
    /// the same person is handed out from what the URL bought
    /// (`from_store`), not bought again.
    pub fn add_linkedin_urls<I, S>(&mut self, linkedin_urls: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        add_linkedin_urls(self.raw, linkedin_urls)
    }

    /// Add contact lookup entries, before the first event, beside the
    /// run's ids and LinkedIn URLs: the same [`LookupRequest`]
    /// [`Client::lookup`] takes (its similarity, batch size and profile id
    /// apply). One request a run; entries are de-duplicated by their
    /// identifiers. They are looked up before LinkedIn URLs and batches
    /// (SPENDS CREDITS: 1 a billable match, counted at worst against
    /// [`BulkOptions::max_credits`] until answered), one request at a time
    /// within the run's rate budget and deadline, each sent once; each
    /// person found is bought for the run's types once, even when two
    /// entries or an id name them (the later ones are `from_store`). With a
    /// journal, each entry's resolution is kept: a rerun asks no lookup
    /// again ([`BulkOptions::refresh`] asks again).
    ///
    /// Every entry gets one event whose `lookup` names it
    /// ([`BulkLookup`]): an [`Event::Person`], an [`Event::NotFound`] (a
    /// miss, or an entry needing similarity while it is off) or an
    /// [`Event::BatchFailed`]. A second request or a started run is
    /// `InvalidArgument`, and nothing is added.
    pub fn add_lookups(&mut self, request: &LookupRequest) -> Result<()> {
        let err = ErrorSlot::new();
        err.check(unsafe { sys::pubrio_bulk_add_lookups(self.raw.as_ptr(), request.as_ptr(), err.ptr()) })?;
        self.lookups = request.entries().to_vec();
        Ok(())
    }

    /// Ask the run to stop: nothing new starts, requests in flight finish
    /// (an accepted submit's batch is handed out as `BatchAccepted` and
    /// named by [`uncollected`](Self::uncollected)); keep iterating to the
    /// end, which is `Err` with [`Status::Cancelled`].
    pub fn stop(&mut self) {
        unsafe { sys::pubrio_bulk_stop(self.raw.as_ptr()) }
    }

    /// Read the account now (its quotas join the rate budget, its prices
    /// and balance the counts); the run does it itself before its first
    /// request unless [`BulkOptions::read_account`] is false.
    pub fn read_account(&mut self) -> Result<()> {
        let err = ErrorSlot::new();
        err.check(unsafe { sys::pubrio_bulk_read_account(self.raw.as_ptr(), err.ptr()) })
    }

    /// What holds the next request ("hourly quota: ..."), or `None`.
    pub fn rate_hold(&self) -> Option<String> {
        let mut buf = [0 as std::os::raw::c_char; 256];
        let n = unsafe { sys::pubrio_bulk_rate_hold(self.raw.as_ptr(), buf.as_mut_ptr(), buf.len()) };
        (n > 0).then(|| opt_string(buf.as_ptr()).unwrap_or_default())
    }

    /// The run's counts (before the first event: a dry run, nothing sent).
    pub fn stats(&self) -> BulkStats {
        stats::read(self.raw.as_ptr())
    }

    /// Leave the run: nothing new starts, submits in flight finish (their
    /// batches are named), polls in flight are cut, and the people
    /// collected and not handed out are kept. Returns them with what is
    /// left paid and not delivered; then the run is freed. The same happens
    /// on drop, the leftover logged.
    pub fn close(mut self) -> Drained {
        self.close_raw()
    }

    /// `pubrio_bulk_close` once (within [`BulkOptions::close_timeout`]),
    /// and what it kept and named copied out; the run is freed on drop.
    fn close_raw(&mut self) -> Drained {
        self.closed = true;
        let err = ErrorSlot::new();
        let status = unsafe { sys::pubrio_bulk_close(self.raw.as_ptr(), self.close_timeout_ms, err.ptr()) };
        let stopped_by = err.check(status).err().map(|e| e.status);
        self.ended = true;
        let (mut people, mut resolved) = (Vec::new(), Vec::new());
        for index in 0.. {
            let event = unsafe { sys::pubrio_bulk_drained(self.raw.as_ptr(), index) };
            let Some(event) = (unsafe { event.as_ref() }) else { break };
            if let Some(entry) = unsafe { Resolved::of(event, &self.lookups) } {
                resolved.push(entry);
            } else if let Some(event) = unsafe { Self::event(event, &self.lookups) } {
                people.push(event);
            } // a kind newer than this crate: skipped
        }
        let n = unsafe { sys::pubrio_bulk_leftover(self.raw.as_ptr(), ptr::null_mut(), 0) };
        let leftover = (n > 0).then(|| {
            let mut buf = vec![0 as std::os::raw::c_char; n + 1];
            unsafe { sys::pubrio_bulk_leftover(self.raw.as_ptr(), buf.as_mut_ptr(), buf.len()) };
            opt_string(buf.as_ptr()).unwrap_or_default() + LEFTOVER_HINT
        });
        Drained {
            people,
            uncollected: self.uncollected(),
            uncertain: self.uncertain(),
            leftover,
            stopped_by,
            stats: self.stats(),
            resolved,
        }
    }

    /// The people this run submitted without a conclusive answer (maybe
    /// charged, never resent).
    pub fn uncertain(&self) -> Vec<String> {
        let mut out = Vec::new();
        while let Some(id) = opt_string(unsafe { sys::pubrio_bulk_uncertain(self.raw.as_ptr(), out.len()) }) {
            out.push(id);
        }
        out
    }

    /// The batches accepted and not collected (after a stop).
    pub fn uncollected(&self) -> Vec<Uncollected> {
        let mut out = Vec::new();
        loop {
            let mut people_count = 0;
            let id = unsafe { sys::pubrio_bulk_uncollected(self.raw.as_ptr(), out.len(), &mut people_count) };
            match opt_string(id) {
                Some(redeem_query_id) => out.push(Uncollected { redeem_query_id, people_count }),
                None => return out,
            }
        }
    }

    /// Copies an event out of the library's memory (valid until the next call).
    unsafe fn event(e: &sys::pubrio_bulk_event, lookups: &[LookupEntry]) -> Option<Event> {
        let batch = u32::try_from(e.batch).unwrap_or(0);
        let id = || opt_string(e.redeem_query_id).unwrap_or_default();
        Some(match e.kind {
            sys::PUBRIO_BULK_BATCH_ACCEPTED => {
                Event::BatchAccepted { batch, job: BatchJob::from_raw(e.job), people: people(e) }
            }
            sys::PUBRIO_BULK_PERSON => Event::Person {
                batch,
                redeem_query_id: id(),
                person: Person::from_raw(e.person),
                from_store: e.from_store != 0,
                linkedin_url: opt_string(e.linkedin_url),
                lookup: BulkLookup::of(e, lookups),
            },
            sys::PUBRIO_BULK_NOT_FOUND => Event::NotFound {
                linkedin_url: opt_string(e.linkedin_url).unwrap_or_default(),
                from_store: e.from_store != 0,
                lookup: BulkLookup::of(e, lookups),
            },
            sys::PUBRIO_BULK_BATCH_FAILED => Event::BatchFailed {
                batch,
                redeem_query_id: opt_string(e.redeem_query_id).filter(|s| !s.is_empty()),
                status: Status::from_raw(e.status),
                message: opt_string(e.message).unwrap_or_default(),
                people: people(e),
                linkedin_url: opt_string(e.linkedin_url),
                lookup: BulkLookup::of(e, lookups),
            },
            sys::PUBRIO_BULK_BATCH_DONE => Event::BatchDone { batch, redeem_query_id: id() },
            sys::PUBRIO_BULK_PROGRESS if !e.stats.is_null() => Event::Progress(BulkStats::from(&*e.stats)),
            _ => return None, // NONE, or a kind newer than this crate: skipped
        })
    }
}

/// A run or plan not yet handed out, freed on drop (an error on the way).
struct OwnedBulk(NonNull<sys::pubrio_bulk>);

impl OwnedBulk {
    fn into_raw(self) -> NonNull<sys::pubrio_bulk> {
        let raw = self.0;
        std::mem::forget(self);
        raw
    }
}

impl Drop for OwnedBulk {
    fn drop(&mut self) {
        unsafe { sys::pubrio_bulk_free(self.0.as_ptr()) }
    }
}

type NewFn = unsafe extern "C" fn(
    *mut *mut sys::pubrio_bulk,
    *mut sys::pubrio_client,
    u32,
    *const sys::pubrio_bulk_options,
    *mut sys::pubrio_error,
) -> sys::pubrio_status;

/// `pubrio_bulk_new` or `pubrio_bulk_plan`, then the people added.
fn new_raw<I, S>(
    client: &mut Client,
    people: I,
    types: ContactTypes,
    options: &BulkOptions,
    new: NewFn,
) -> Result<OwnedBulk>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let raw_options = options.to_raw()?;
    let err = ErrorSlot::new();
    let mut raw = ptr::null_mut();
    err.check(unsafe { new(&mut raw, client.as_ptr(), types.bits(), raw_options.0.as_ptr(), err.ptr()) })?;
    let bulk = OwnedBulk(NonNull::new(raw).expect("NULL run with OK"));
    let ids = people
        .into_iter()
        .enumerate()
        .map(|(i, id)| c_string(id.as_ref(), &format!("people_search_id at index {i}")))
        .collect::<Result<Vec<_>>>()?;
    let ptrs: Vec<_> = ids.iter().map(|id| id.as_ptr()).collect();
    err.check(unsafe { sys::pubrio_bulk_add_people(raw, ptrs.as_ptr(), ptrs.len(), err.ptr()) })?;
    Ok(bulk)
}

/// `pubrio_bulk_add_linkedin_urls` on a run or plan.
fn add_linkedin_urls<I, S>(raw: NonNull<sys::pubrio_bulk>, linkedin_urls: I) -> Result<()>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let urls = linkedin_urls
        .into_iter()
        .enumerate()
        .map(|(i, url)| c_string(url.as_ref(), &format!("LinkedIn URL at index {i}")))
        .collect::<Result<Vec<_>>>()?;
    let ptrs: Vec<_> = urls.iter().map(|url| url.as_ptr()).collect();
    let err = ErrorSlot::new();
    err.check(unsafe { sys::pubrio_bulk_add_linkedin_urls(raw.as_ptr(), ptrs.as_ptr(), ptrs.len(), err.ptr()) })
}

/// A dry run: what a bulk run over these people would do, the journal only
/// read (never created or written), nothing submitted. See
/// [`Client::plan`].
pub struct Plan<'c> {
    raw: OwnedBulk,
    _client: PhantomData<&'c mut Client>,
}

unsafe impl Send for Plan<'_> {}

impl<'c> Plan<'c> {
    pub(crate) fn new<I, S>(
        client: &'c mut Client,
        people: I,
        types: ContactTypes,
        options: &BulkOptions,
    ) -> Result<Plan<'c>>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let raw = new_raw(client, people, types, options, sys::pubrio_bulk_plan)?;
        Ok(Plan { raw, _client: PhantomData })
    }

    /// Add LinkedIn URLs, as [`Bulk::add_linkedin_urls`]: the stats count
    /// them (`linkedin_urls`, and `linkedin_urls_to_redeem` for those the
    /// journal does not know).
    pub fn add_linkedin_urls<I, S>(&mut self, linkedin_urls: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        add_linkedin_urls(self.raw.0, linkedin_urls)
    }

    /// Add lookup entries, as [`Bulk::add_lookups`] (the same
    /// [`LookupRequest`]; one a plan, all or nothing): the stats count them
    /// (`lookups`; `lookups_to_send` for those to look up, each a person
    /// to buy at worst in `credits_worst_case` and
    /// 1 credit at worst for its lookup; their requests in
    /// `planned_requests`). Nothing is looked up; see
    /// [`worst_case_credits`](Self::worst_case_credits).
    pub fn add_lookups(&mut self, request: &LookupRequest) -> Result<()> {
        let err = ErrorSlot::new();
        err.check(unsafe { sys::pubrio_bulk_add_lookups(self.raw.0.as_ptr(), request.as_ptr(), err.ptr()) })
    }

    /// Read the account (two free requests) so that the stats show the
    /// cost at its prices beside its balance; off with
    /// [`BulkOptions::read_account`]`(false)`.
    pub fn read_account(&mut self) -> Result<()> {
        let err = ErrorSlot::new();
        err.check(unsafe { sys::pubrio_bulk_read_account(self.raw.0.as_ptr(), err.ptr()) })
    }

    /// What the run would do: people, known people, batches, worst-case
    /// credits, balance.
    pub fn stats(&self) -> BulkStats {
        stats::read(self.raw.0.as_ptr())
    }

    /// The most the run can cost, in credits: every person to buy with
    /// every asked type found (`credits_worst_case`, at the prices), plus 1
    /// credit for each lookup entry to send (`lookups_to_send`), as
    /// `pubrio redeem --dry-run` counts it.
    pub fn worst_case_credits(&self) -> i64 {
        let stats = self.stats();
        let lookups = i64::try_from(stats.lookups_to_send).unwrap_or(i64::MAX);
        stats.credits_worst_case.saturating_add(lookups)
    }
}

/// An event's `people` ids (NULL: none).
///
/// # Safety
/// `e` is an event the library just filled.
unsafe fn people(e: &sys::pubrio_bulk_event) -> Vec<String> {
    if e.people.is_null() {
        return Vec::new();
    }
    (0..e.people_count).map(|i| opt_string(*e.people.add(i)).unwrap_or_default()).collect()
}

/// One `pubrio_bulk_next_event` with the mirror's size (the library fills
/// what it has up to there, so a newer library's larger event is fine).
fn next_raw(raw: NonNull<sys::pubrio_bulk>, err: &ErrorSlot) -> (sys::pubrio_status, sys::pubrio_bulk_event) {
    // All-zero is a valid event (NULL pointers, kind NONE).
    let mut event: sys::pubrio_bulk_event = unsafe { std::mem::zeroed() };
    let size = std::mem::size_of::<sys::pubrio_bulk_event>();
    let status = unsafe { sys::pubrio_bulk_next_event(raw.as_ptr(), -1, &mut event, size, err.ptr()) };
    (status, event)
}

impl Iterator for Bulk<'_> {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        self.started = true;
        while !self.ended {
            let err = ErrorSlot::new();
            let (status, event) = next_raw(self.raw, &err);
            if let Err(e) = err.check(status) {
                self.ended = true;
                return Some(Err(e));
            }
            if event.kind == sys::PUBRIO_BULK_FINISHED {
                self.ended = true;
            } else if let Some(event) = unsafe { Self::event(&event, &self.lookups) } {
                return Some(Ok(event));
            }
        }
        None
    }
}

impl std::iter::FusedIterator for Bulk<'_> {}

/// Says, in Rust, what to do about a leftover.
const LEFTOVER_HINT: &str = " (Drained::people holds the people kept, Drained::resolved the lookup entries \
     resolved with their people_search_ids; collect each of Drained::uncollected with Client::wait; Drained::uncertain may have been charged: never submit them again blindly)";

impl Drop for Bulk<'_> {
    fn drop(&mut self) {
        // Left without close(): the same drain, so a submit in flight gets
        // its answer and what was paid is named, here in the log. A run
        // never driven has nothing in flight, but may hold what the close
        // names (people uncertain from an earlier run on its journal).
        if !self.closed {
            let drained = self.close_raw();
            if let Some(leftover) = drained.leftover.filter(|_| self.started) {
                let line = format!("a pubrio bulk run was dropped: {leftover}");
                if !self.client.log(crate::LogLevel::Warn, &line) {
                    eprintln!("{line}");
                }
            }
        }
        unsafe { sys::pubrio_bulk_free(self.raw.as_ptr()) }
    }
}

/// pubrio_bulk_close's timeout: the option in milliseconds (0 cuts at once),
/// -1 without it.
fn close_timeout_ms(options: &BulkOptions) -> i64 {
    options.close_timeout.map_or(-1, |t| i64::try_from(t.as_millis()).unwrap_or(i64::MAX))
}
