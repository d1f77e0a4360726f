//! Lookup entries in a bulk run: which entry a run's event answers, and
//! what became of it ([`Bulk::add_lookups`](crate::Bulk::add_lookups)).
use pubrio_sys as sys;

use crate::error::opt_string;
use crate::lookup::{LookupConfidence, LookupEntry, LookupOutcome};

/// The lookup entry an [`Event`](crate::Event) answers, and what became of
/// it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkLookup {
    /// The entry's index in the request ([`LookupRequest::entries`](crate::LookupRequest::entries)).
    pub index: usize,
    /// The entry itself.
    pub entry: LookupEntry,
    /// [`LookupOutcome::Found`] on an [`Event::Person`](crate::Event::Person)
    /// (or on an [`Event::BatchFailed`](crate::Event::BatchFailed) when the
    /// person was found and not bought); [`LookupOutcome::NotFound`] or
    /// [`LookupOutcome::NotLookedUp`] (a name only while similarity is off:
    /// see `reason`) on an [`Event::NotFound`](crate::Event::NotFound);
    /// [`LookupOutcome::Failed`] (its lookup failed) or
    /// [`LookupOutcome::NotSent`] (the run stopped before its request left:
    /// nothing spent) on an [`Event::BatchFailed`](crate::Event::BatchFailed).
    pub outcome: LookupOutcome,
    /// Found: how the match was made; else [`LookupConfidence::None`].
    pub confidence: LookupConfidence,
    /// Not looked up, or failed: why, as the library says it.
    pub reason: Option<String>,
}

impl BulkLookup {
    /// The lookup entry `e` answers (`entries` are the run's), or `None`.
    ///
    /// # Safety
    /// `e` is an event the library just filled.
    pub(crate) unsafe fn of(e: &sys::pubrio_bulk_event, entries: &[LookupEntry]) -> Option<BulkLookup> {
        let index = e.lookup_entry.checked_sub(1)?;
        let confidence = opt_string(e.lookup_confidence);
        let outcome = match e.kind {
            _ if e.kind == sys::PUBRIO_BULK_PERSON || confidence.is_some() => LookupOutcome::Found,
            sys::PUBRIO_BULK_NOT_FOUND if !e.message.is_null() => LookupOutcome::NotLookedUp,
            sys::PUBRIO_BULK_NOT_FOUND => LookupOutcome::NotFound,
            _ if e.status == sys::PUBRIO_E_CANCELLED => LookupOutcome::NotSent,
            _ => LookupOutcome::Failed,
        };
        Some(BulkLookup {
            index,
            entry: entries.get(index).cloned().unwrap_or_default(),
            outcome,
            confidence: confidence.map_or(LookupConfidence::None, |text| LookupConfidence::from_text(&text)),
            reason: opt_string(e.message),
        })
    }
}

/// A lookup entry resolved (paid: the lookup charged 1 credit) to a person
/// the run did not hand out, kept by [`Bulk::close`](crate::Bulk::close)
/// in [`Drained::resolved`](crate::Drained::resolved): the person was not
/// bought (or not delivered) by this run; buy them by `people_search_id`,
/// never look the entry up again to find them.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The entry's index in the request ([`LookupRequest::entries`](crate::LookupRequest::entries)).
    pub index: usize,
    /// The entry itself.
    pub entry: LookupEntry,
    /// The person it resolved to.
    pub people_search_id: String,
    /// How the match was made.
    pub confidence: LookupConfidence,
}

impl Resolved {
    /// The resolved entry a `PUBRIO_BULK_RESOLVED` event names (`entries`
    /// are the run's), or `None` for any other event.
    ///
    /// # Safety
    /// `e` is an event the library keeps for `pubrio_bulk_drained`.
    pub(crate) unsafe fn of(e: &sys::pubrio_bulk_event, entries: &[LookupEntry]) -> Option<Resolved> {
        if e.kind != sys::PUBRIO_BULK_RESOLVED || e.person.is_null() {
            return None;
        }
        let index = e.lookup_entry.checked_sub(1)?;
        Some(Resolved {
            index,
            entry: entries.get(index).cloned().unwrap_or_default(),
            people_search_id: opt_string((*e.person).people_search_id).unwrap_or_default(),
            confidence: opt_string(e.lookup_confidence)
                .map_or(LookupConfidence::None, |text| LookupConfidence::from_text(&text)),
        })
    }
}
