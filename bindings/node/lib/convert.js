// JS values in and out: contact types to a bit mask, ids to a checked list,
// library results to plain objects (copied: the C memory is freed after).
'use strict';
const { c, koffi, types } = require('./ffi');
const { invalidArgument } = require('./errors');

/** Contact type names to pubrio_contact_type bits; refuses unknown names. */
function typesMask(contactTypes) {
  if (typeof contactTypes === 'string') contactTypes = [contactTypes];
  if (!Array.isArray(contactTypes) || contactTypes.length === 0) {
    throw invalidArgument('contact types must be a non-empty array of "email-personal", "email-work" or "phone"');
  }
  let mask = 0;
  for (const name of contactTypes) {
    const bit = typeof name === 'string' ? c.contactTypeFromStr(name) : 0;
    if (!bit) {
      throw invalidArgument(`unknown contact type ${JSON.stringify(name)} (expected "email-personal", "email-work" or "phone")`);
    }
    mask |= bit;
  }
  return mask;
}

/** An array of id strings; the library validates each one. */
function idList(ids, what) {
  if (typeof ids === 'string' || ids == null || typeof ids[Symbol.iterator] !== 'function') {
    throw invalidArgument(`${what} must be an array of strings, not ${typeof ids === 'string' ? 'one string' : String(ids)}`);
  }
  const list = Array.from(ids);
  list.forEach((id, index) => {
    if (typeof id !== 'string') {
      throw invalidArgument(`${what}[${index}] is ${typeof id}, not a string`);
    }
  });
  return list;
}

function orNull(value) {
  return value >= 0 ? value : null;
}

function batch(job) {
  return {
    redeemQueryId: job.redeem_query_id,
    isCompleted: job.is_completed !== 0,
    estimatedTime: orNull(job.estimated_time),
    estimatedTimeType: job.estimated_time_type,
    estimatedTimeMs: orNull(job.estimated_time_ms),
  };
}

function contacts(personPtr, count, getter) {
  const list = [];
  for (let i = 0; i < count; i++) {
    const contact = koffi.decode(getter(personPtr, i), types.Contact);
    list.push({ value: contact.value, type: contact.type_raw, status: contact.status });
  }
  return list;
}

/** A pubrio_person pointer to a plain object; `linkedinUrl`: the URL a
 * bulk run asked it by (the key is left out when there is none). */
function person(personPtr, linkedinUrl = null, lookup = null) {
  const p = koffi.decode(personPtr, types.Person);
  const out = {
    peopleSearchId: p.people_search_id,
    emails: contacts(personPtr, p.email_count, c.personEmail),
    phones: contacts(personPtr, p.phone_count, c.personPhone),
  };
  if (linkedinUrl !== null) out.linkedinUrl = linkedinUrl;
  if (lookup !== null) {
    // A bulk run's lookup entry named this person (lookup.runAnswer()).
    out.lookupEntry = lookup.index;
    out.lookup = lookup.entry;
    out.lookupConfidence = lookup.confidence;
  }
  return out;
}

/** A pubrio_query_result pointer to a plain object. */
function queryResult(resultPtr) {
  const r = koffi.decode(resultPtr, types.QueryResult);
  const people = [];
  for (let i = 0; i < r.people_count; i++) people.push(person(c.resultPerson(resultPtr, i)));
  return {
    query: batch(koffi.decode(r.query, types.Job)),
    credits: {
      credit: r.has_credit ? r.credit : null,
      topupCredit: r.has_topup_credit ? r.topup_credit : null,
      totalChargedCredit: r.has_total_charged_credit ? r.total_charged_credit : null,
    },
    people,
  };
}

// -1 (unknown) to null; a tri-state 1/0/-1 to true/false/null.
function known(value) {
  return value >= 0 ? value : null;
}
function flag(value) {
  return value < 0 ? null : value !== 0;
}

/** A pubrio_profile pointer to a plain object (null: not answered). */
function profile(ptr) {
  const p = koffi.decode(ptr, types.Profile);
  return {
    profileId: p.has_profile_id ? p.profile_id : null,
    credit: p.has_credit ? p.credit : null,
    topupCredit: p.has_topup_credit ? p.topup_credit : null,
    planName: p.plan_name,
    emailPrice: known(p.email_price),
    phonePrice: known(p.phone_price),
    maxHourlyRequests: known(p.max_hourly_requests),
    maxDailyRequests: known(p.max_daily_requests),
    maxMonthlyRequests: known(p.max_monthly_requests),
    apiAccess: flag(p.api_access),
  };
}

/** A pubrio_usage pointer to a plain object (null: not answered). */
function usage(ptr) {
  const u = koffi.decode(ptr, types.Usage);
  return {
    hourlyUsed: known(u.hourly_used),
    hourlyAllowed: known(u.hourly_allowed),
    dailyUsed: known(u.daily_used),
    dailyAllowed: known(u.daily_allowed),
    monthlyUsed: known(u.monthly_used),
    monthlyAllowed: known(u.monthly_allowed),
    lastRefreshed: u.last_refreshed,
    apiAccess: flag(u.api_access),
  };
}

/** pubrio_bulk_stats, decoded, with camelCase names. */
function bulkStats(s) {
  return {
    people: s.people,
    duplicates: s.duplicates,
    peopleJournaled: s.people_journaled,
    peopleUncertain: s.people_uncertain,
    peopleToSubmit: s.people_to_submit,
    peopleSubmitted: s.people_submitted,
    peopleCollected: s.people_collected,
    batches: s.batches,
    batchesAccepted: s.batches_accepted,
    batchesCollected: s.batches_collected,
    inFlight: s.in_flight,
    requests: s.requests,
    plannedRequests: s.planned_requests,
    minDurationMs: s.min_duration_ms,
    nextRequestInMs: s.next_request_in_ms,
    creditsCharged: s.credits_charged,
    credit: s.has_credit ? s.credit : null,
    peopleKnown: s.people_known,
    batchesFailed: s.batches_failed,
    peopleLeftUncertain: s.people_left_uncertain,
    creditsWorstCase: s.credits_worst_case,
    creditsBefore: s.credits_before,
    creditsCommitted: s.credits_committed,
    priceEmail: s.price_email,
    pricePhone: s.price_phone,
    pricesKnown: s.prices_known !== 0,
    balance: s.has_balance ? s.balance : null,
    linkedinUrls: s.linkedin_urls,
    linkedinUrlsToRedeem: s.linkedin_urls_to_redeem,
    linkedinUrlsRedeemed: s.linkedin_urls_redeemed,
    linkedinUrlsNotFound: s.linkedin_urls_not_found,
    batchesUncollected: s.batches_uncollected,
    peopleUncollected: s.people_uncollected,
    peopleKept: s.people_kept,
    peopleForgotten: s.people_forgotten,
    lookups: s.lookups,
    lookupsToSend: s.lookups_to_send,
    lookupsFound: s.lookups_found,
    lookupsNotFound: s.lookups_not_found,
    lookupsUncertain: s.lookups_uncertain,
    lookupCredits: s.lookup_credits,
  };
}

module.exports = { typesMask, idList, batch, person, queryResult, profile, usage, bulkStats };
