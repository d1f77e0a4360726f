//! [`BulkStats`]: a bulk run's counts as Rust values (options for what may be
//! unknown, `Duration`s, `bool`s), copied from the C `pubrio_bulk_stats`.
use std::time::Duration;

use pubrio_sys as sys;

/// Counts of a bulk run: people, batches, requests, credits. Fields are only
/// ever added (the struct is `#[non_exhaustive]`).
#[non_exhaustive]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkStats {
    /// Distinct people added.
    pub people: usize,
    /// Ids added more than once.
    pub duplicates: usize,
    /// Already submitted by an earlier run on the journal.
    pub people_journaled: usize,
    /// An earlier submit got no answer: not sent again.
    pub people_uncertain: usize,
    /// People this run submits in all.
    pub people_to_submit: usize,
    /// ...of which accepted so far.
    pub people_submitted: usize,
    /// People handed out.
    pub people_collected: usize,
    /// Batches to submit plus journaled ones to collect.
    pub batches: usize,
    /// Batches accepted.
    pub batches_accepted: usize,
    /// Batches collected.
    pub batches_collected: usize,
    /// Requests in flight now.
    pub in_flight: usize,
    /// Requests sent by this run.
    pub requests: i64,
    /// The fewest requests the run needs.
    pub planned_requests: i64,
    /// The shortest the rate budget allows.
    pub min_duration: Duration,
    /// Until the rate budget lets the next request start.
    pub next_request_in: Duration,
    /// Credits charged by this run.
    pub credits_charged: i64,
    /// Credit left, as last answered; `None` before any answer said.
    pub credit: Option<i64>,
    /// A torn last line of an old-format journal was dropped.
    pub journal_torn_line_dropped: bool,
    /// Every asked type bought by an earlier run: handed out from the journal.
    pub people_known: usize,
    /// Batches that failed while the run went on.
    pub batches_failed: usize,
    /// Submits without a conclusive answer, not sent again: maybe charged.
    pub people_left_uncertain: usize,
    /// The most the people to submit can cost, at the prices.
    pub credits_worst_case: i64,
    /// Credits earlier runs on the journal were charged.
    pub credits_before: i64,
    /// What the credit budget holds against.
    pub credits_committed: i64,
    /// Credits an email contact, as counted.
    pub price_email: i64,
    /// Credits a phone contact, as counted.
    pub price_phone: i64,
    /// False: no price given or read, 1 a contact counted.
    pub prices_known: bool,
    /// Credit + top-up credit as read from the account; `None` when not read.
    pub balance: Option<i64>,
    /// Distinct LinkedIn URLs added (also counted in `people`).
    pub linkedin_urls: usize,
    /// ...of which this run redeems and has not had answered yet.
    pub linkedin_urls_to_redeem: usize,
    /// ...answered by this run.
    pub linkedin_urls_redeemed: usize,
    /// ...naming nobody (this run or an earlier one).
    pub linkedin_urls_not_found: usize,
    /// Batches accepted (paid) and not collected now:
    /// [`Bulk::uncollected`](crate::Bulk::uncollected).
    pub batches_uncollected: usize,
    /// ...the people they hold.
    pub people_uncollected: usize,
    /// People collected and not handed out when the run was closed: kept
    /// in [`Drained::people`](crate::Drained::people).
    pub people_kept: usize,
    /// People the journal holds as forgotten (`pubrio forget`): neither
    /// bought nor handed out.
    pub people_forgotten: usize,
    /// Distinct lookup entries added (a repeated entry is in `duplicates`).
    pub lookups: usize,
    /// ...of which this run sends and has not had answered yet (1 credit
    /// each at worst).
    pub lookups_to_send: usize,
    /// ...resolved to a person (this run or the journal).
    pub lookups_found: usize,
    /// ...resolved to nobody (this run or the journal).
    pub lookups_not_found: usize,
    /// ...asked without an answer (this run or an earlier one): maybe
    /// charged, never resent.
    pub lookups_uncertain: usize,
    /// Credits this run's lookups were charged (also in `credits_charged`).
    pub lookup_credits: i64,
}

fn millis(ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(ms).unwrap_or(0))
}

impl From<&sys::pubrio_bulk_stats> for BulkStats {
    #[allow(clippy::useless_conversion)] // c_long is 32 bits on some targets
    fn from(s: &sys::pubrio_bulk_stats) -> BulkStats {
        BulkStats {
            people: s.people,
            duplicates: s.duplicates,
            people_journaled: s.people_journaled,
            people_uncertain: s.people_uncertain,
            people_to_submit: s.people_to_submit,
            people_submitted: s.people_submitted,
            people_collected: s.people_collected,
            batches: s.batches,
            batches_accepted: s.batches_accepted,
            batches_collected: s.batches_collected,
            in_flight: s.in_flight,
            requests: i64::from(s.requests),
            planned_requests: i64::from(s.planned_requests),
            min_duration: millis(s.min_duration_ms),
            next_request_in: millis(s.next_request_in_ms),
            credits_charged: s.credits_charged,
            credit: (s.has_credit != 0).then_some(s.credit),
            journal_torn_line_dropped: s.journal_torn_line_dropped != 0,
            people_known: s.people_known,
            batches_failed: s.batches_failed,
            people_left_uncertain: s.people_left_uncertain,
            credits_worst_case: s.credits_worst_case,
            credits_before: s.credits_before,
            credits_committed: s.credits_committed,
            price_email: s.price_email,
            price_phone: s.price_phone,
            prices_known: s.prices_known != 0,
            balance: (s.has_balance != 0).then_some(s.balance),
            linkedin_urls: s.linkedin_urls,
            linkedin_urls_to_redeem: s.linkedin_urls_to_redeem,
            linkedin_urls_redeemed: s.linkedin_urls_redeemed,
            linkedin_urls_not_found: s.linkedin_urls_not_found,
            batches_uncollected: s.batches_uncollected,
            people_uncollected: s.people_uncollected,
            people_kept: s.people_kept,
            people_forgotten: s.people_forgotten,
            lookups: s.lookups,
            lookups_to_send: s.lookups_to_send,
            lookups_found: s.lookups_found,
            lookups_not_found: s.lookups_not_found,
            lookups_uncertain: s.lookups_uncertain,
            lookup_credits: s.lookup_credits,
        }
    }
}

/// The counts of a run or a plan.
pub(crate) fn read(raw: *const sys::pubrio_bulk) -> BulkStats {
    // Zero is a valid pubrio_bulk_stats (plain integers).
    let mut stats: sys::pubrio_bulk_stats = unsafe { std::mem::zeroed() };
    unsafe { sys::pubrio_bulk_stats_get(raw, &mut stats, std::mem::size_of::<sys::pubrio_bulk_stats>()) };
    BulkStats::from(&stats)
}
