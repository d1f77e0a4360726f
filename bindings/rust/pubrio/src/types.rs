//! What the API answers, as owned Rust values copied out of the library's
//! structs (which are freed right after): contact types, contacts, people,
//! a batch's state, a query's result.
use std::fmt;
use std::ops::BitOr;
use std::time::Duration;

use pubrio_sys as sys;

use crate::error::opt_string;

/// A set of contact types to redeem, or-ed: `ContactTypes::PHONE |
/// ContactTypes::EMAIL_WORK`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ContactTypes(u32);

impl ContactTypes {
    /// "email-personal".
    pub const EMAIL_PERSONAL: ContactTypes = ContactTypes(sys::PUBRIO_CONTACT_EMAIL_PERSONAL);
    /// "email-work".
    pub const EMAIL_WORK: ContactTypes = ContactTypes(sys::PUBRIO_CONTACT_EMAIL_WORK);
    /// "phone".
    pub const PHONE: ContactTypes = ContactTypes(sys::PUBRIO_CONTACT_PHONE);

    /// The C bits (`pubrio_contact_type` values or-ed).
    pub fn bits(self) -> u32 {
        self.0
    }

    /// From C bits (`pubrio_contact_type` values or-ed).
    pub fn from_bits(bits: u32) -> ContactTypes {
        ContactTypes(bits)
    }

    /// Whether every type of `other` is in this set.
    pub fn contains(self, other: ContactTypes) -> bool {
        self.0 & other.0 == other.0
    }

    /// Parse a wire name ("email-personal", "email-work", "phone").
    pub fn from_wire(name: &str) -> Option<ContactTypes> {
        let name = std::ffi::CString::new(name).ok()?;
        let bit = unsafe { sys::pubrio_contact_type_from_str(name.as_ptr()) };
        (bit != sys::PUBRIO_CONTACT_UNKNOWN).then_some(ContactTypes(bit))
    }
}

impl BitOr for ContactTypes {
    type Output = ContactTypes;
    fn bitor(self, other: ContactTypes) -> ContactTypes {
        ContactTypes(self.0 | other.0)
    }
}

/// The type of one contact.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContactType {
    /// "email-personal".
    EmailPersonal,
    /// "email-work".
    EmailWork,
    /// "phone".
    Phone,
    /// A type this version does not know (see [`Contact::type_raw`]).
    Unknown,
}

/// One email or phone of a person.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The email or phone number, when present.
    pub value: Option<String>,
    /// Its type.
    pub kind: ContactType,
    /// The type as the server sent it.
    pub type_raw: Option<String>,
    /// E.g. "Verified", when sent.
    pub status: Option<String>,
}

impl Contact {
    fn from_raw(raw: &sys::pubrio_contact) -> Contact {
        Contact {
            value: opt_string(raw.value),
            kind: match raw.type_ {
                sys::PUBRIO_CONTACT_EMAIL_PERSONAL => ContactType::EmailPersonal,
                sys::PUBRIO_CONTACT_EMAIL_WORK => ContactType::EmailWork,
                sys::PUBRIO_CONTACT_PHONE => ContactType::Phone,
                _ => ContactType::Unknown,
            },
            type_raw: opt_string(raw.type_raw),
            status: opt_string(raw.status),
        }
    }
}

/// A redeemed person and their contacts.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// The id it was redeemed by.
    pub people_search_id: String,
    /// Its emails.
    pub emails: Vec<Contact>,
    /// Its phones.
    pub phones: Vec<Contact>,
}

impl Person {
    /// # Safety
    /// `raw` points to a person of a live result.
    pub(crate) unsafe fn from_raw(raw: *const sys::pubrio_person) -> Person {
        let p = &*raw;
        type Get = unsafe extern "C" fn(*const sys::pubrio_person, usize) -> *const sys::pubrio_contact;
        let list = |count: usize, get: Get| (0..count).map(|i| Contact::from_raw(&*get(raw, i))).collect();
        Person {
            people_search_id: opt_string(p.people_search_id).unwrap_or_default(),
            emails: list(p.email_count, sys::pubrio_person_email),
            phones: list(p.phone_count, sys::pubrio_person_phone),
        }
    }
}

/// `ID value (type) value (type)...`: one line a person.
impl fmt::Display for Person {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.people_search_id)?;
        for c in self.emails.iter().chain(&self.phones) {
            let kind = c.type_raw.as_deref().unwrap_or("?");
            write!(f, " {} ({kind})", c.value.as_deref().unwrap_or(""))?;
        }
        Ok(())
    }
}

/// The state of a batch, as the submit and the query answer it.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchJob {
    /// The batch's id: collect it with `Client::wait`.
    pub redeem_query_id: String,
    /// Whether its contacts are ready.
    pub is_completed: bool,
    /// The raw estimate and its unit ("second"...), when sent.
    pub estimated_time: Option<(i64, Option<String>)>,
    /// The estimate, normalised (unknown units count as seconds).
    pub estimated: Option<Duration>,
}

impl BatchJob {
    /// # Safety
    /// `raw` points to a live job.
    pub(crate) unsafe fn from_raw(raw: *const sys::pubrio_batch_job) -> BatchJob {
        let j = &*raw;
        BatchJob {
            redeem_query_id: opt_string(j.redeem_query_id).unwrap_or_default(),
            is_completed: j.is_completed != 0,
            estimated_time: (j.estimated_time >= 0).then(|| (j.estimated_time, opt_string(j.estimated_time_type))),
            estimated: u64::try_from(j.estimated_time_ms).ok().map(Duration::from_millis),
        }
    }
}

/// The answer of a query: the batch's state, the account's credits, and
/// (once complete) its people.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryResult {
    /// The batch's state.
    pub query: BatchJob,
    /// Credit left, when sent.
    pub credit: Option<i64>,
    /// Top-up credit, when sent.
    pub topup_credit: Option<i64>,
    /// Credits this batch charged, when sent.
    pub total_charged_credit: Option<i64>,
    /// The people and their contacts.
    pub people: Vec<Person>,
}

impl QueryResult {
    /// Copies `raw` and frees it.
    ///
    /// # Safety
    /// `raw` is a result the library handed out, or NULL.
    pub(crate) unsafe fn take(raw: *mut sys::pubrio_query_result) -> Option<QueryResult> {
        if raw.is_null() {
            return None;
        }
        let r = &*raw;
        let opt = |has: i32, v: i64| (has != 0).then_some(v);
        let result = QueryResult {
            query: BatchJob::from_raw(r.query),
            credit: opt(r.has_credit, r.credit),
            topup_credit: opt(r.has_topup_credit, r.topup_credit),
            total_charged_credit: opt(r.has_total_charged_credit, r.total_charged_credit),
            people: (0..r.people_count).map(|i| Person::from_raw(sys::pubrio_query_result_person(raw, i))).collect(),
        };
        sys::pubrio_query_result_free(raw);
        Some(result)
    }
}
