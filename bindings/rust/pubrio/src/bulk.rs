//! `Bulk`: a bulk run as an `Iterator` over its events (accepted batches,
//! people, collected batches), with its counts and, after a stop, the paid
//! batches it did not collect.
use std::marker::PhantomData;
use std::path::PathBuf;
use std::ptr::{self, NonNull};

use pubrio_sys as sys;

use crate::client::Client;
use crate::error::{c_string, opt_string, ErrorSlot, Result};
use crate::types::{BatchJob, ContactTypes, Person};
use crate::wait::WaitOptions;

/// Counts of a bulk run: people, batches, requests, credits (the C struct
/// `pubrio_bulk_stats`, copied).
pub type BulkStats = sys::pubrio_bulk_stats;

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
    /// Journal the run in this file (a rerun resumes), and whether to send
    /// people whose earlier submit is uncertain again.
    pub journal: Option<(PathBuf, bool)>,
    /// Stop submitting before the charges could pass this many credits.
    pub max_credits: Option<i64>,
    /// Send `profile_id` with every request.
    pub profile_id: Option<i64>,
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
    /// Journal the run.
    pub fn journal(mut self, path: impl Into<PathBuf>, resubmit_uncertain: bool) -> Self {
        self.journal = Some((path.into(), resubmit_uncertain));
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
            if let Some((path, resubmit)) = &self.journal {
                let path = c_string(&path.to_string_lossy(), "journal path")?;
                err.check(sys::pubrio_bulk_options_set_journal(raw, path.as_ptr(), (*resubmit).into(), err.ptr()))?;
            }
            if let Some(n) = self.max_credits {
                err.check(sys::pubrio_bulk_options_set_max_credits(raw, n, err.ptr()))?;
            }
            if let Some(id) = self.profile_id {
                err.check(sys::pubrio_bulk_options_set_profile_id(raw, id, err.ptr()))?;
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
    Person {
        /// The batch's number.
        batch: u32,
        /// The batch's id.
        redeem_query_id: String,
        /// The person.
        person: Person,
    },
    /// A batch was collected.
    BatchDone {
        /// The batch's number.
        batch: u32,
        /// The batch's id.
        redeem_query_id: String,
    },
    /// A batch's answer named people it does not hold (not handed out).
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

/// The event the library fills, with spare room after it for the fields a
/// library newer than these mirrors may write (`pubrio_bulk_next` takes no
/// size, and the struct grows at the end).
#[repr(C)]
struct EventSlot {
    event: sys::pubrio_bulk_event,
    _room: [u64; 16],
}

/// A bulk run: iterate it for `Result<Event>` until the run is finished
/// (`None`) or stopped (one `Err`, then `None`). After a stop,
/// [`uncollected`](Self::uncollected) names every paid batch not collected.
/// Dropping it cuts what is in flight and frees the run.
pub struct Bulk<'c> {
    raw: NonNull<sys::pubrio_bulk>,
    ended: bool,
    _client: PhantomData<&'c mut Client>,
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
        let raw_options = options.to_raw()?;
        let err = ErrorSlot::new();
        let mut raw = ptr::null_mut();
        err.check(unsafe {
            sys::pubrio_bulk_new(&mut raw, client.as_ptr(), types.bits(), raw_options.0.as_ptr(), err.ptr())
        })?;
        let bulk = Bulk { raw: NonNull::new(raw).expect("NULL run with OK"), ended: false, _client: PhantomData };
        let ids = people
            .into_iter()
            .enumerate()
            .map(|(i, id)| c_string(id.as_ref(), &format!("people_search_id at index {i}")))
            .collect::<Result<Vec<_>>>()?;
        let ptrs: Vec<_> = ids.iter().map(|id| id.as_ptr()).collect();
        err.check(unsafe { sys::pubrio_bulk_add_people(raw, ptrs.as_ptr(), ptrs.len(), err.ptr()) })?;
        Ok(bulk)
    }

    /// The run's counts (before the first event: a dry run, nothing sent).
    pub fn stats(&self) -> BulkStats {
        // Zero is a valid BulkStats (plain integers).
        let mut stats: BulkStats = unsafe { std::mem::zeroed() };
        unsafe { sys::pubrio_bulk_stats_get(self.raw.as_ptr(), &mut stats, std::mem::size_of::<BulkStats>()) };
        stats
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
    unsafe fn event(e: &sys::pubrio_bulk_event) -> Option<Event> {
        let batch = u32::try_from(e.batch).unwrap_or(0);
        let id = || opt_string(e.redeem_query_id).unwrap_or_default();
        Some(match e.kind {
            sys::PUBRIO_BULK_BATCH_ACCEPTED => Event::BatchAccepted {
                batch,
                job: BatchJob::from_raw(e.job),
                people: (0..e.people_count).map(|i| opt_string(*e.people.add(i)).unwrap_or_default()).collect(),
            },
            sys::PUBRIO_BULK_PERSON => {
                Event::Person { batch, redeem_query_id: id(), person: Person::from_raw(e.person) }
            }
            sys::PUBRIO_BULK_BATCH_DONE => Event::BatchDone { batch, redeem_query_id: id() },
            sys::PUBRIO_BULK_STRANGERS => Event::Strangers { batch, redeem_query_id: id(), count: e.people_count },
            sys::PUBRIO_BULK_PROGRESS if !e.stats.is_null() => Event::Progress(*e.stats),
            _ => return None, // NONE, or a kind newer than this crate: skipped
        })
    }
}

impl Iterator for Bulk<'_> {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        while !self.ended {
            let mut slot: EventSlot = unsafe { std::mem::zeroed() };
            let err = ErrorSlot::new();
            let status = unsafe { sys::pubrio_bulk_next(self.raw.as_ptr(), -1, &mut slot.event, err.ptr()) };
            if let Err(e) = err.check(status) {
                self.ended = true;
                return Some(Err(e));
            }
            if slot.event.kind == sys::PUBRIO_BULK_FINISHED {
                self.ended = true;
            } else if let Some(event) = unsafe { Self::event(&slot.event) } {
                return Some(Ok(event));
            }
        }
        None
    }
}

impl std::iter::FusedIterator for Bulk<'_> {}

impl Drop for Bulk<'_> {
    fn drop(&mut self) {
        unsafe { sys::pubrio_bulk_free(self.raw.as_ptr()) }
    }
}
