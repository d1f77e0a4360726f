//! `Journal`: what bulk runs bought, read from their journal (an SQLite
//! file) without the network: its runs, its people, its paid batches not
//! collected.
use std::path::Path;
use std::ptr::{self, NonNull};

use pubrio_sys as sys;

use crate::bulk::Uncollected;
use crate::error::{c_string, opt_string, ErrorSlot, Result};
use crate::types::{ContactTypes, Person};

/// One run recorded in a journal (the C struct `pubrio_journal_run`).
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalRun {
    /// 1, 2, ... in the order they ran.
    pub id: i64,
    /// Seconds since the epoch.
    pub started_at: i64,
    /// The contact types asked for.
    pub types: ContactTypes,
    /// Submits without a conclusive answer: maybe charged.
    pub batches_uncertain: usize,
    /// Accepted, not collected yet.
    pub batches_accepted: usize,
    /// Refused with proof nothing was charged.
    pub batches_refused: usize,
    /// Collected: their contacts are stored.
    pub batches_collected: usize,
    /// Charges of its collected batches and answered single redeems.
    pub credits_charged: i64,
    /// LinkedIn URLs redeemed one by one without a conclusive answer.
    pub singles_uncertain: usize,
    /// LinkedIn URLs redeemed one by one and answered.
    pub singles_answered: usize,
}

/// A journal opened for reading: nothing is written, no key is needed.
/// Opening one a run holds fails with [`Status::Journal`](crate::Status).
pub struct Journal {
    raw: NonNull<sys::pubrio_journal>,
}

// The journal has no thread affinity; `&mut self` guards its cursor.
unsafe impl Send for Journal {}

impl Journal {
    /// Open the journal at `path` (the file of
    /// [`BulkOptions::journal`](crate::BulkOptions::journal)).
    pub fn open(path: impl AsRef<Path>) -> Result<Journal> {
        let path = c_string(&path.as_ref().to_string_lossy(), "journal path")?;
        let err = ErrorSlot::new();
        let mut raw = ptr::null_mut();
        err.check(unsafe { sys::pubrio_journal_open(&mut raw, path.as_ptr(), err.ptr()) })?;
        Ok(Journal { raw: NonNull::new(raw).expect("NULL journal with OK") })
    }

    /// Every run it records, in the order they ran.
    pub fn runs(&self) -> Vec<JournalRun> {
        let mut out = Vec::new();
        loop {
            // All-zero is a valid run (plain integers).
            let mut r: sys::pubrio_journal_run = unsafe { std::mem::zeroed() };
            let size = std::mem::size_of::<sys::pubrio_journal_run>();
            if unsafe { sys::pubrio_journal_run_get(self.raw.as_ptr(), out.len(), &mut r, size) } == 0 {
                return out;
            }
            out.push(JournalRun {
                id: r.id,
                started_at: r.started_at,
                types: ContactTypes::from_bits(r.types),
                batches_uncertain: r.batches_uncertain,
                batches_accepted: r.batches_accepted,
                batches_refused: r.batches_refused,
                batches_collected: r.batches_collected,
                credits_charged: r.credits_charged,
                singles_uncertain: r.singles_uncertain,
                singles_answered: r.singles_answered,
            });
        }
    }

    /// People bought and contacts stored, over all runs.
    pub fn counts(&self) -> (usize, usize) {
        let (mut people, mut contacts) = (0, 0);
        unsafe { sys::pubrio_journal_counts(self.raw.as_ptr(), &mut people, &mut contacts) };
        (people, contacts)
    }

    /// Every person bought, in id order, with the contacts stored for the
    /// types bought. Each call starts where the last one left off.
    pub fn people(&mut self) -> JournalPeople<'_> {
        JournalPeople { journal: self, ended: false }
    }

    /// The batches accepted (paid) and not collected: collect each with
    /// `Client::wait`, never submit it again.
    pub fn uncollected(&self) -> Vec<Uncollected> {
        let mut out = Vec::new();
        loop {
            let mut people_count = 0;
            let id = unsafe { sys::pubrio_journal_uncollected(self.raw.as_ptr(), out.len(), &mut people_count) };
            match opt_string(id) {
                Some(redeem_query_id) => out.push(Uncollected { redeem_query_id, people_count }),
                None => return out,
            }
        }
    }
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").finish_non_exhaustive()
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        unsafe { sys::pubrio_journal_free(self.raw.as_ptr()) }
    }
}

/// The people of a [`Journal`]: `Result<Person>` until the last (`None`),
/// or one `Err` then `None`.
pub struct JournalPeople<'j> {
    journal: &'j mut Journal,
    ended: bool,
}

impl Iterator for JournalPeople<'_> {
    type Item = Result<Person>;

    fn next(&mut self) -> Option<Result<Person>> {
        if self.ended {
            return None;
        }
        let err = ErrorSlot::new();
        let mut person = ptr::null();
        let status = unsafe { sys::pubrio_journal_next_person(self.journal.raw.as_ptr(), &mut person, err.ptr()) };
        if let Err(e) = err.check(status) {
            self.ended = true;
            return Some(Err(e));
        }
        if person.is_null() {
            self.ended = true;
            return None;
        }
        Some(Ok(unsafe { Person::from_raw(person) }))
    }
}

impl std::iter::FusedIterator for JournalPeople<'_> {}
