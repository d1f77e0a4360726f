//! The account: balance, prices and plan limits (POST /profile), request
//! quotas (POST /profile/usage), both free; copied out of the library's
//! structs, which are freed right after.
use pubrio_sys as sys;

use crate::error::opt_string;

/// A count the API may leave out or send oddly: `None` when unknown.
fn known(n: i64) -> Option<i64> {
    (n >= 0).then_some(n)
}

/// A tri-state flag (1, 0, -1 unknown).
fn flag(n: i32) -> Option<bool> {
    (n >= 0).then_some(n != 0)
}

/// The workspace's balance, prices and plan limits. Read leniently: an
/// odd or missing field is `None`, never a failed call.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// `data.profile_id`.
    pub profile_id: Option<i64>,
    /// The balance.
    pub credit: Option<i64>,
    /// Top-up credit.
    pub topup_credit: Option<i64>,
    /// The plan's name.
    pub plan_name: Option<String>,
    /// Credits per email contact returned.
    pub email_price: Option<i64>,
    /// Credits per phone contact returned.
    pub phone_price: Option<i64>,
    /// Requests an hour the plan allows (`Some(0)`: no limit).
    pub max_hourly_requests: Option<i64>,
    /// Requests a day (`Some(0)`: no limit).
    pub max_daily_requests: Option<i64>,
    /// Requests a month (`Some(0)`: no limit).
    pub max_monthly_requests: Option<i64>,
    /// Whether the plan has API access.
    pub api_access: Option<bool>,
}

impl Profile {
    /// Copies `raw` and frees it.
    ///
    /// # Safety
    /// `raw` is a profile the library handed out.
    pub(crate) unsafe fn take(raw: *mut sys::pubrio_profile) -> Profile {
        let p = &*raw;
        let opt = |has: i32, v: i64| (has != 0).then_some(v);
        let profile = Profile {
            profile_id: opt(p.has_profile_id, p.profile_id),
            credit: opt(p.has_credit, p.credit),
            topup_credit: opt(p.has_topup_credit, p.topup_credit),
            plan_name: opt_string(p.plan_name),
            email_price: known(p.email_price),
            phone_price: known(p.phone_price),
            max_hourly_requests: known(p.max_hourly_requests),
            max_daily_requests: known(p.max_daily_requests),
            max_monthly_requests: known(p.max_monthly_requests),
            api_access: flag(p.api_access),
        };
        sys::pubrio_profile_free(raw);
        profile
    }
}

/// Request quotas used and allowed in the current fixed hour, day and
/// month; `None` unknown, an allowed `Some(0)` no quota.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    /// Requests used this hour.
    pub hourly_used: Option<i64>,
    /// Requests allowed an hour.
    pub hourly_allowed: Option<i64>,
    /// Requests used today.
    pub daily_used: Option<i64>,
    /// Requests allowed a day.
    pub daily_allowed: Option<i64>,
    /// Requests used this month.
    pub monthly_used: Option<i64>,
    /// Requests allowed a month.
    pub monthly_allowed: Option<i64>,
    /// `api_last_refreshed` as sent.
    pub last_refreshed: Option<String>,
    /// Whether the plan has API access.
    pub api_access: Option<bool>,
}

impl Usage {
    /// Copies `raw` and frees it.
    ///
    /// # Safety
    /// `raw` is a usage the library handed out.
    pub(crate) unsafe fn take(raw: *mut sys::pubrio_usage) -> Usage {
        let u = &*raw;
        let usage = Usage {
            hourly_used: known(u.hourly_used),
            hourly_allowed: known(u.hourly_allowed),
            daily_used: known(u.daily_used),
            daily_allowed: known(u.daily_allowed),
            monthly_used: known(u.monthly_used),
            monthly_allowed: known(u.monthly_allowed),
            last_refreshed: opt_string(u.last_refreshed),
            api_access: flag(u.api_access),
        };
        sys::pubrio_usage_free(raw);
        usage
    }
}
