//! The contact lookup: entries (an email, a phone, or a name with a domain
//! or a company) resolved to people (`people_search_id`), each answer in
//! its entry's place. The library sends, maps and splits; this module only
//! builds its request and copies its answers into owned Rust values.
use std::fmt;
use std::ptr::{self, NonNull};

use pubrio_sys as sys;

use crate::error::{c_string, opt_string, Error, ErrorSlot, Result, Status, SubmitState};

/// One thing to look up: an email, a phone, or a first and last name with
/// a domain or a company (a similarity match, sent only when the request
/// enables similarity). Several may be set: the API tries the exact ones
/// first.
///
/// ```
/// use pubrio::LookupEntry;
/// let by_email = LookupEntry::email("king.lai@pubrio.com");
/// let by_name = LookupEntry::name_at_company("Ann", "Lee", "Acme Inc");
/// let both = LookupEntry { phone: Some("+1 555 010 0002".into()), ..by_name.clone() };
/// # let _ = (by_email, both);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LookupEntry {
    /// A work or personal email.
    pub email: Option<String>,
    /// A phone number (E.164 preferred; spaces and punctuation are fine).
    pub phone: Option<String>,
    /// With `last_name` and a domain or a company.
    pub first_name: Option<String>,
    /// With `first_name`.
    pub last_name: Option<String>,
    /// The company's web domain; a URL is reduced to its domain.
    pub domain: Option<String>,
    /// The company's name.
    pub company: Option<String>,
}

impl LookupEntry {
    /// An entry by email.
    pub fn email(email: impl Into<String>) -> Self {
        LookupEntry { email: Some(email.into()), ..Default::default() }
    }

    /// An entry by phone.
    pub fn phone(phone: impl Into<String>) -> Self {
        LookupEntry { phone: Some(phone.into()), ..Default::default() }
    }

    /// A name at a domain (or a company's URL): a similarity match.
    pub fn name_at_domain(first: impl Into<String>, last: impl Into<String>, domain: impl Into<String>) -> Self {
        LookupEntry {
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            domain: Some(domain.into()),
            ..Default::default()
        }
    }

    /// A name at a company: a similarity match.
    pub fn name_at_company(first: impl Into<String>, last: impl Into<String>, company: impl Into<String>) -> Self {
        LookupEntry {
            first_name: Some(first.into()),
            last_name: Some(last.into()),
            company: Some(company.into()),
            ..Default::default()
        }
    }

    /// Each set field with its C field and its name for messages.
    fn fields(&self) -> [(&Option<String>, sys::pubrio_lookup_field, &'static str); 6] {
        [
            (&self.email, sys::PUBRIO_LOOKUP_EMAIL, "email"),
            (&self.phone, sys::PUBRIO_LOOKUP_PHONE, "phone"),
            (&self.first_name, sys::PUBRIO_LOOKUP_FIRST_NAME, "first name"),
            (&self.last_name, sys::PUBRIO_LOOKUP_LAST_NAME, "last name"),
            (&self.domain, sys::PUBRIO_LOOKUP_DOMAIN, "domain"),
            (&self.company, sys::PUBRIO_LOOKUP_COMPANY, "company"),
        ]
    }
}

/// The entries of a lookup and its options, checked by the library when
/// built: a bad value, an empty entry or half a name is an `Err` naming
/// the entry, and nothing is sent.
#[derive(Debug)]
pub struct LookupRequest {
    raw: NonNull<sys::pubrio_lookup_request>,
    entries: Vec<LookupEntry>, // as built, for the events of a bulk run that name them
}

// As BatchRequest: no thread affinity, read-only through `&self`, but the
// library does not promise concurrent reads, so not `Sync`.
unsafe impl Send for LookupRequest {}

impl Drop for LookupRequest {
    fn drop(&mut self) {
        unsafe { sys::pubrio_lookup_request_free(self.raw.as_ptr()) }
    }
}

/// What a lookup of a request would do, nothing sent
/// ([`LookupRequest::plan`]).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LookupPlan {
    /// Entries that would be looked up.
    pub lookups: usize,
    /// The worst case in credits: 1 per entry looked up.
    pub worst_case_credits: i64,
    /// Entries not looked up: only a name with a domain or company while
    /// similarity is off.
    pub refused: usize,
    /// Batch requests the split makes at the batch size.
    pub requests: usize,
}

impl LookupRequest {
    /// The entries with the defaults (similarity off, no profile id, 100 a
    /// request).
    pub fn new<I: IntoIterator<Item = LookupEntry>>(entries: I) -> Result<LookupRequest> {
        LookupRequest::builder().entries(entries).build()
    }

    /// A builder, for the options too.
    pub fn builder() -> LookupRequestBuilder {
        LookupRequestBuilder::default()
    }

    pub(crate) fn as_ptr(&self) -> *const sys::pubrio_lookup_request {
        self.raw.as_ptr()
    }

    /// The entries, in the order they were added (an answer's or a bulk
    /// event's index is into this).
    pub fn entries(&self) -> &[LookupEntry] {
        &self.entries
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        unsafe { sys::pubrio_lookup_request_count(self.as_ptr()) }
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries looked up (the worst case in credits), refused, and the
    /// requests, without sending anything.
    pub fn plan(&self) -> Result<LookupPlan> {
        let err = ErrorSlot::new();
        let (mut lookups, mut refused, mut requests) = (0, 0, 0);
        err.check(unsafe {
            sys::pubrio_lookup_request_plan(self.as_ptr(), &mut lookups, &mut refused, &mut requests, err.ptr())
        })?;
        Ok(LookupPlan { lookups, worst_case_credits: lookups as i64, refused, requests })
    }
}

/// Collects entries and options; [`build`](Self::build) checks them all.
#[derive(Debug, Clone, Default)]
pub struct LookupRequestBuilder {
    entries: Vec<LookupEntry>,
    similarity: bool,
    profile_id: Option<i64>,
    batch_size: Option<usize>,
}

impl LookupRequestBuilder {
    /// Add one entry.
    pub fn entry(mut self, entry: LookupEntry) -> Self {
        self.entries.push(entry);
        self
    }

    /// Add entries.
    pub fn entries<I: IntoIterator<Item = LookupEntry>>(mut self, entries: I) -> Self {
        self.entries.extend(entries);
        self
    }

    /// Add an entry by email.
    pub fn email(self, email: impl Into<String>) -> Self {
        self.entry(LookupEntry::email(email))
    }

    /// Add an entry by phone.
    pub fn phone(self, phone: impl Into<String>) -> Self {
        self.entry(LookupEntry::phone(phone))
    }

    /// Look up entries with only a name and a domain or company too. Off
    /// by default: a similarity match can name the wrong person, so such
    /// entries are answered [`LookupOutcome::NotLookedUp`] with the reason.
    pub fn similarity(mut self, enabled: bool) -> Self {
        self.similarity = enabled;
        self
    }

    /// Send `profile_id` (>= 0) with each request.
    pub fn profile_id(mut self, profile_id: i64) -> Self {
        self.profile_id = Some(profile_id);
        self
    }

    /// The most entries a batch request holds (1 to 10,000; 100 by
    /// default). A 400 naming the size halves it for the rest of the call.
    pub fn batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = Some(batch_size);
        self
    }

    /// The request, or `InvalidArgument` naming the first bad entry (its
    /// index and what is wrong) or option.
    pub fn build(self) -> Result<LookupRequest> {
        let err = ErrorSlot::new();
        let mut raw = ptr::null_mut();
        err.check(unsafe { sys::pubrio_lookup_request_new(&mut raw, err.ptr()) })?;
        let request = LookupRequest {
            raw: NonNull::new(raw).expect("pubrio_lookup_request_new gave NULL with OK"),
            entries: self.entries,
        };
        let raw = request.raw.as_ptr();
        for (i, entry) in request.entries.iter().enumerate() {
            let mut index = 0;
            err.check(unsafe { sys::pubrio_lookup_request_add_entry(raw, &mut index, err.ptr()) })?;
            for (value, field, name) in entry.fields() {
                let Some(value) = value else { continue };
                let value = c_string(value, &format!("{name} of lookup entry {i}"))?;
                err.check(unsafe { sys::pubrio_lookup_request_set(raw, index, field, value.as_ptr(), err.ptr()) })?;
            }
        }
        unsafe {
            err.check(sys::pubrio_lookup_request_set_similarity(raw, self.similarity.into(), err.ptr()))?;
            if let Some(id) = self.profile_id {
                err.check(sys::pubrio_lookup_request_set_profile_id(raw, id, err.ptr()))?;
            }
            if let Some(size) = self.batch_size {
                err.check(sys::pubrio_lookup_request_set_batch_size(raw, size, err.ptr()))?;
            }
        }
        request.plan()?; // an empty entry or half a name, named now
        Ok(request)
    }
}

/// What became of one entry.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LookupOutcome {
    /// Matched: the person is named.
    Found,
    /// Looked up; nobody matched (free).
    NotFound,
    /// Not sent: only a name with a domain or company while similarity is
    /// off (see [`LookupAnswer::reason`]).
    NotLookedUp,
    /// Its request failed: see [`LookupAnswer::status`] and
    /// [`LookupAnswer::submit_state`] (`Uncertain`: maybe charged, never
    /// resent).
    Failed,
    /// The call stopped at an earlier failure before its request left:
    /// nothing spent.
    NotSent,
    /// An outcome this crate does not know yet.
    Other(u32),
}

impl LookupOutcome {
    fn from_raw(raw: sys::pubrio_lookup_outcome) -> LookupOutcome {
        match raw {
            sys::PUBRIO_LOOKUP_FOUND => LookupOutcome::Found,
            sys::PUBRIO_LOOKUP_NOT_FOUND => LookupOutcome::NotFound,
            sys::PUBRIO_LOOKUP_NOT_LOOKED_UP => LookupOutcome::NotLookedUp,
            sys::PUBRIO_LOOKUP_FAILED => LookupOutcome::Failed,
            sys::PUBRIO_LOOKUP_NOT_SENT => LookupOutcome::NotSent,
            other => LookupOutcome::Other(other),
        }
    }
}

/// How a match was made.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LookupConfidence {
    /// No match.
    #[default]
    None,
    /// By email or phone.
    Exact,
    /// By name and domain.
    SimilarityDomain,
    /// By name and company.
    SimilarityCompany,
    /// A value this version does not know (its text in
    /// [`LookupAnswer::confidence_text`]).
    Other,
}

impl LookupConfidence {
    fn from_raw(raw: sys::pubrio_lookup_confidence) -> LookupConfidence {
        match raw {
            sys::PUBRIO_LOOKUP_CONFIDENCE_NONE => LookupConfidence::None,
            sys::PUBRIO_LOOKUP_EXACT => LookupConfidence::Exact,
            sys::PUBRIO_LOOKUP_SIMILARITY_DOMAIN => LookupConfidence::SimilarityDomain,
            sys::PUBRIO_LOOKUP_SIMILARITY_COMPANY => LookupConfidence::SimilarityCompany,
            _ => LookupConfidence::Other,
        }
    }

    /// The value of the API's word ("exact", ...); `None` for "".
    pub(crate) fn from_text(text: &str) -> LookupConfidence {
        [LookupConfidence::Exact, LookupConfidence::SimilarityDomain, LookupConfidence::SimilarityCompany]
            .into_iter()
            .find(|c| c.as_str() == text)
            .unwrap_or(if text.is_empty() { LookupConfidence::None } else { LookupConfidence::Other })
    }

    fn raw(self) -> sys::pubrio_lookup_confidence {
        match self {
            LookupConfidence::None => sys::PUBRIO_LOOKUP_CONFIDENCE_NONE,
            LookupConfidence::Exact => sys::PUBRIO_LOOKUP_EXACT,
            LookupConfidence::SimilarityDomain => sys::PUBRIO_LOOKUP_SIMILARITY_DOMAIN,
            LookupConfidence::SimilarityCompany => sys::PUBRIO_LOOKUP_SIMILARITY_COMPANY,
            LookupConfidence::Other => sys::PUBRIO_LOOKUP_CONFIDENCE_OTHER,
        }
    }

    /// The API's word: "exact", "similarity_domain", "similarity_company";
    /// "" for none, "other".
    pub fn as_str(self) -> &'static str {
        // Static strings of the library.
        let p = unsafe { sys::pubrio_lookup_confidence_str(self.raw()) };
        unsafe { std::ffi::CStr::from_ptr(p) }.to_str().unwrap_or("other")
    }
}

impl fmt::Display for LookupConfidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer for one entry, in the entry's place.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupAnswer {
    /// What became of the entry.
    pub outcome: LookupOutcome,
    /// Why it was not looked up or failed.
    pub reason: Option<String>,
    /// The person found.
    pub people_search_id: Option<String>,
    /// As answered.
    pub first_name: Option<String>,
    /// As answered.
    pub last_name: Option<String>,
    /// As answered.
    pub people_name: Option<String>,
    /// As answered.
    pub company_name: Option<String>,
    /// As answered.
    pub domain: Option<String>,
    /// How the match was made.
    pub confidence: LookupConfidence,
    /// The answer's confidence text.
    pub confidence_text: Option<String>,
    /// The identifier that matched, as answered.
    pub input_value: Option<String>,
    /// Its type: email-work, email-personal, phone, domain or company.
    pub input_type: Option<String>,
    /// The API saw this input twice in one request (not charged).
    pub is_duplicate_input: bool,
    /// 1 for a billable match, else 0.
    pub credits: i64,
    /// [`LookupOutcome::Failed`]: its request's status.
    pub status: Option<Status>,
    /// [`LookupOutcome::Failed`] and [`LookupOutcome::NotSent`]: whether
    /// credits may have been spent on it.
    pub submit_state: SubmitState,
}

impl LookupAnswer {
    fn from_raw(a: &sys::pubrio_lookup_answer) -> LookupAnswer {
        LookupAnswer {
            outcome: LookupOutcome::from_raw(a.outcome),
            reason: opt_string(a.reason),
            people_search_id: opt_string(a.people_search_id),
            first_name: opt_string(a.first_name),
            last_name: opt_string(a.last_name),
            people_name: opt_string(a.people_name),
            company_name: opt_string(a.company_name),
            domain: opt_string(a.domain),
            confidence: LookupConfidence::from_raw(a.confidence),
            confidence_text: opt_string(a.confidence_text),
            input_value: opt_string(a.input_value),
            input_type: opt_string(a.input_type),
            is_duplicate_input: a.is_duplicate_input != 0,
            credits: a.credits,
            status: (a.status != sys::PUBRIO_OK).then(|| Status::from_raw(a.status)),
            submit_state: SubmitState::from_raw(a.submit_state),
        }
    }

    /// Whether the entry found its person.
    pub fn is_found(&self) -> bool {
        self.outcome == LookupOutcome::Found
    }
}

/// The answers of a lookup, one per entry in entry order, and what it
/// cost.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupResult {
    /// `answers[i]` is entry `i`'s.
    pub answers: Vec<LookupAnswer>,
    /// Credits the answered requests cost, as the API reported them.
    pub credits_charged: i64,
    /// HTTP requests that left (a 429 retried counts each time).
    pub requests: usize,
}

impl LookupResult {
    /// Copies `raw` and frees it.
    ///
    /// # Safety
    /// `raw` is a result the library handed out, or NULL.
    unsafe fn take(raw: *mut sys::pubrio_lookup_result) -> Option<LookupResult> {
        if raw.is_null() {
            return None;
        }
        let count = sys::pubrio_lookup_result_count(raw);
        let answers = (0..count).map(|i| LookupAnswer::from_raw(&*sys::pubrio_lookup_result_answer(raw, i))).collect();
        let (mut credits_charged, mut requests) = (0, 0);
        sys::pubrio_lookup_result_totals(raw, &mut credits_charged, &mut requests);
        sys::pubrio_lookup_result_free(raw);
        Some(LookupResult { answers, credits_charged, requests })
    }

    /// The entries whose request failed after it may have been charged
    /// (no answer came): never resent by the library.
    pub fn uncertain(&self) -> Vec<usize> {
        self.indices(|a| a.outcome == LookupOutcome::Failed && a.submit_state == SubmitState::Uncertain)
    }

    fn indices(&self, keep: impl Fn(&LookupAnswer) -> bool) -> Vec<usize> {
        self.answers.iter().enumerate().filter(|(_, a)| keep(a)).map(|(i, _)| i).collect()
    }
}

impl IntoIterator for LookupResult {
    type Item = LookupAnswer;
    type IntoIter = std::vec::IntoIter<LookupAnswer>;
    fn into_iter(self) -> Self::IntoIter {
        self.answers.into_iter()
    }
}

impl<'a> IntoIterator for &'a LookupResult {
    type Item = &'a LookupAnswer;
    type IntoIter = std::slice::Iter<'a, LookupAnswer>;
    fn into_iter(self) -> Self::IntoIter {
        self.answers.iter()
    }
}

/// Indices as short ranges: "0-99, 120, 130-131".
fn ranges(indices: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let start = indices[i];
        while i + 1 < indices.len() && indices[i + 1] == indices[i] + 1 {
            i += 1;
        }
        out.push(if indices[i] == start { start.to_string() } else { format!("{start}-{}", indices[i]) });
        i += 1;
    }
    out.join(", ")
}

/// A lookup call's result, or its error carrying every answer already
/// received (paid for) and naming the entries that failed.
pub(crate) fn finish(err: ErrorSlot, status: u32, out: *mut sys::pubrio_lookup_result) -> Result<LookupResult> {
    let result = unsafe { LookupResult::take(out) };
    match err.check(status) {
        Ok(()) => Ok(result.expect("a NULL lookup result with OK")),
        Err(mut e) => {
            if let Some(result) = result {
                let failed = result.indices(|a| a.outcome == LookupOutcome::Failed);
                let note = (!failed.is_empty()).then(|| format!("lookup entries {} failed", ranges(&failed)));
                e.set_lookup_result(result, note);
            }
            Err::<LookupResult, Error>(e)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ranges_are_short() {
        assert_eq!(super::ranges(&[]), "");
        assert_eq!(super::ranges(&[3]), "3");
        assert_eq!(super::ranges(&[0, 1, 2, 5, 7, 8]), "0-2, 5, 7-8");
    }
}
