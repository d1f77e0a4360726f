// The contact lookup's JS side: entries ({ email }, { phone }, { firstName,
// lastName, domain or company }) checked and copied into a
// pubrio_lookup_request, and a pubrio_lookup_result copied back into plain
// answers, one per entry in entry order. The library does the mapping of
// matches to entries, the split into requests and the send-once rule.
'use strict';
const { c, koffi, types, allocError } = require('./ffi');
const { takeError, errorFrom, nodeWords, CODES, SUBMIT_STATES } = require('./errors');

// An entry's keys and their pubrio_lookup_field (values fixed forever).
const FIELDS = { email: 0, phone: 1, firstName: 2, lastName: 3, domain: 4, company: 5 };
const FIELD_LIST = 'email, phone, firstName, lastName, domain or company';
// Indexed by pubrio_lookup_outcome and pubrio_lookup_confidence.
const OUTCOMES = [null, 'found', 'not_found', 'not_looked_up', 'failed', 'not_sent'];
const CONFIDENCES = [null, 'exact', 'similarity_domain', 'similarity_company', 'other'];
const FAILED = 4;

// Refused before anything is sent: nothing spent, as the library says of
// its own refusals.
function refused(message) {
  return errorFrom({ status: 1, message, retry_after_ms: -1, submit_state: 1 });
}

function check(status, err) {
  if (status !== 0) throw takeError(err);
}

function describe(value) {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** Entry `index` as a plain copy of its known fields, or refused naming it
 * (an unknown key is a typo, never silently dropped). The library checks
 * the values themselves. */
function entryCopy(entry, index) {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw refused(`lookup entry ${index} is ${describe(entry)}, not an object such as { email }, { phone } or { firstName, lastName, company }`);
  }
  const copy = {};
  for (const [key, value] of Object.entries(entry)) {
    if (!Object.hasOwn(FIELDS, key)) {
      throw refused(`lookup entry ${index}: unknown field ${JSON.stringify(key)} (expected ${FIELD_LIST})`);
    }
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw refused(`lookup entry ${index}: ${key} is ${describe(value)}, not a string`);
    // A C string ends at a NUL: the rest would be dropped unseen.
    if (value.includes('\0')) throw refused(`lookup entry ${index}: ${key} holds a NUL character`);
    copy[key] = value;
  }
  return copy;
}

/** The entries as a checked list of copies. */
function entryList(entries) {
  if (typeof entries === 'string' || entries == null || typeof entries[Symbol.iterator] !== 'function') {
    throw refused(`entries must be an array of lookup entries, not ${typeof entries === 'string' ? 'one string' : describe(entries)}`);
  }
  return Array.from(entries, entryCopy);
}

/** A pubrio_lookup_request of `entries` (copies from entryList) and the
 * options { similar, profileId, batchSize }; the caller frees it. */
function request(entries, options) {
  const { similar = false, profileId = null, batchSize = null } = options;
  if (typeof similar !== 'boolean') throw refused(`similar must be true or false, not ${describe(similar)}`);
  if (profileId !== null && !Number.isSafeInteger(profileId)) throw refused('profileId must be an integer');
  if (batchSize !== null && !(Number.isSafeInteger(batchSize) && batchSize >= 1)) {
    throw refused('batchSize must be an integer from 1 to 10000');
  }
  const err = allocError();
  const out = [null];
  try {
    check(c.lookupRequestNew(out, err), err);
    const req = out[0];
    try {
      entries.forEach((entry, i) => {
        check(c.lookupAddEntry(req, [0], err), err);
        for (const [key, value] of Object.entries(entry)) check(c.lookupSet(req, i, FIELDS[key], value, err), err);
      });
      check(c.lookupSetSimilarity(req, similar ? 1 : 0, err), err);
      if (profileId !== null) check(c.lookupSetProfile(req, profileId, err), err);
      if (batchSize !== null) check(c.lookupSetBatchSize(req, batchSize, err), err);
    } catch (e) {
      c.lookupRequestFree(req);
      throw e;
    }
    return req;
  } catch (e) {
    e.submitState ??= 'not_spent'; // refused while building: nothing left
    throw e;
  } finally {
    koffi.free(err);
  }
}

/** What a lookup of `req` would do, nothing sent. */
function plan(req) {
  const err = allocError();
  try {
    const lookups = [0];
    const refusedCount = [0];
    const requests = [0];
    check(c.lookupPlan(req, lookups, refusedCount, requests, err), err);
    return { lookups: lookups[0], worstCaseCredits: lookups[0], refused: refusedCount[0], requests: requests[0] };
  } finally {
    koffi.free(err);
  }
}

function answer(a, entry) {
  return {
    entry,
    outcome: OUTCOMES[a.outcome] ?? 'failed', // a newer library's outcome: not a success
    reason: a.reason === null ? null : nodeWords(a.reason),
    peopleSearchId: a.people_search_id,
    firstName: a.first_name,
    lastName: a.last_name,
    peopleName: a.people_name,
    companyName: a.company_name,
    domain: a.domain,
    confidence: a.confidence === 0 ? null : CONFIDENCES[a.confidence] ?? 'other',
    confidenceText: a.confidence_text,
    input: a.input_value === null ? null : { value: a.input_value, type: a.input_type },
    duplicate: a.is_duplicate_input !== 0,
    credits: a.credits,
    code: a.outcome === FAILED ? CODES[a.status] ?? `PUBRIO_STATUS_${a.status}` : null,
    submitState: SUBMIT_STATES[a.submit_state] ?? null,
  };
}

/** A pubrio_lookup_result pointer to { answers, creditsCharged, requests }. */
function result(resPtr, entries) {
  const answers = [];
  const count = c.lookupResultCount(resPtr);
  for (let i = 0; i < count; i++) {
    answers.push(answer(koffi.decode(c.lookupResultAnswer(resPtr, i), types.LookupAnswer), entries[i]));
  }
  const charged = [0];
  const requests = [0];
  c.lookupResultTotals(resPtr, charged, requests);
  return { answers, creditsCharged: charged[0], requests: requests[0] };
}

/** The result of a lookup call, or its typed error carrying what became of
 * every entry (`lookup`: the answers already received are paid for) and
 * the entries maybe charged without an answer (`uncertainEntries`).
 * Frees the C result. */
function settle(status, resPtr, err, entries) {
  try {
    const res = resPtr ? result(resPtr, entries) : null;
    if (status === 0) return res;
    const e = takeError(err);
    e.lookup = res;
    e.uncertainEntries = res ? res.answers.flatMap((a, i) => (a.submitState === 'uncertain' ? [i] : [])) : [];
    throw e;
  } finally {
    c.lookupResultFree(resPtr);
  }
}

// pubrio_bulk_event_kind values of the events a lookup entry gets.
const EVENT = { PERSON: 2, BATCH_FAILED: 7, NOT_FOUND: 8, RESOLVED: 9 };

/** What a bulk run's event `ev` says of the lookup entry it answers (one
 * of `entries`, the run's lookups as entryList copied them), or null when
 * it answers none: { index, entry, outcome ("found", "not_found",
 * "not_looked_up" or "failed"), reason, code, confidence }. */
function runAnswer(ev, entries) {
  const number = Number(ev.lookup_entry); // the index + 1; 0: not an entry's
  if (!(number > 0 && number <= entries.length)) return null;
  const index = number - 1;
  const reason = ev.message === null ? null : nodeWords(ev.message);
  const out = { index, entry: entries[index], outcome: null, reason, code: null, confidence: null };
  switch (ev.kind) {
    case EVENT.PERSON:
      out.outcome = 'found';
      out.confidence = CONFIDENCES.includes(ev.lookup_confidence) ? ev.lookup_confidence : 'other';
      return out;
    case EVENT.NOT_FOUND:
      out.outcome = reason === null ? 'not_found' : 'not_looked_up';
      return out;
    case EVENT.BATCH_FAILED:
      out.outcome = 'failed';
      out.code = CODES[ev.status] ?? `PUBRIO_STATUS_${ev.status}`;
      return out;
    default:
      return null;
  }
}

// The lookup entry (of `entries`) a RESOLVED event of pubrio_bulk_drained()
// names: { index, entry, peopleSearchId, confidence }, or null.
function runResolved(ev, entries) {
  const number = Number(ev.lookup_entry); // the index + 1
  if (ev.kind !== EVENT.RESOLVED || !ev.person || !(number > 0 && number <= entries.length)) return null;
  const person = koffi.decode(ev.person, types.Person);
  return {
    index: number - 1,
    entry: entries[number - 1],
    peopleSearchId: person.people_search_id ?? '',
    confidence: CONFIDENCES.includes(ev.lookup_confidence) ? ev.lookup_confidence : 'other',
  };
}

module.exports = { entryList, request, plan, settle, runAnswer, runResolved };
