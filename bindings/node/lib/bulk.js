// A bulk run as an async iterator of people. pubrio_bulk_next() runs on a
// koffi worker with a short timeout, so the event loop stays free between
// and during the waits; each event is copied out before the next call (its
// memory lives only until then).
//
// Every way of leaving a run (the loop ends, break, a throw in the loop
// body, run.close(), the client closed or cancelled, Ctrl-C through
// client.cancelOnSignal(), a run dropped and garbage collected) goes
// through leave() once: pubrio_bulk_close() stops the run and drains it
// (within the closeTimeoutMs option: past it the submits in flight are cut),
// the people it kept become run.drained, what stays paid and undelivered
// is named (run.uncollected, run.uncertain, one process warning with
// pubrio_bulk_leftover()'s sentence), and only then pubrio_bulk_free().
'use strict';
const { c, koffi, types, callAsync, allocZeroed, allocError } = require('./ffi');
const { takeError, invalidArgument, nodeWords } = require('./errors');
const convert = require('./convert');
const lookup = require('./lookup');
const { check, waitOptions } = require('./client');

const NEXT_TIMEOUT_MS = 200; // how long one worker call may wait for an event
const ADD_CHUNK = 10000; // ids per pubrio_bulk_add_people() call
const KIND = { NONE: 0, BATCH_ACCEPTED: 1, PERSON: 2, BATCH_DONE: 3, STRANGERS: 4, FINISHED: 5, BATCH_FAILED: 7, NOT_FOUND: 8, RESOLVED: 9 };

// How long a close lets what is in flight finish without a closeTimeoutMs:
// each request's own timeout (a submit's answer says whether it was paid).
const CLOSE_TIMEOUT_MS = -1;

// The closeTimeoutMs option as pubrio_bulk_close() takes it: a whole
// number of milliseconds >= 0 (0 cuts at once), CLOSE_TIMEOUT_MS without it.
function closeTimeoutOf(value) {
  if (value === undefined || value === null) return CLOSE_TIMEOUT_MS;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidArgument(`closeTimeoutMs must be an integer number of milliseconds >= 0, not ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}

// Runs never left (dropped mid-loop, or opened by stats() and forgotten):
// closed and freed once garbage, their leftovers named in a warning. The
// held value is the run's C side, never the run.
const dropped = new FinalizationRegistry((res) => {
  closeAndFree(res).then((left) => warnLeftover(left, 'a run dropped without leaving its loop'), () => {});
});

// What a run's left holds before anything was kept.
function nothingLeft() {
  return { drained: [], notFound: [], lookupsNotFound: [], lookupsFailed: [], resolved: [], uncertain: [], uncollected: [], leftover: null, stats: null, status: 0 };
}

// Keep what event `ev` hands out into `into` ({ people, notFound,
// lookupsNotFound, lookupsFailed, resolved }): a person, a LinkedIn URL
// naming nobody, a lookup entry (of `lookups`) naming nobody, not looked
// up or failed, or (drained only) resolved, paid, to a person not handed
// out. Returns the person, if any.
function take(ev, lookups, into) {
  if (ev.kind === KIND.RESOLVED) {
    const resolved = lookup.runResolved(ev, lookups);
    if (resolved !== null) into.resolved.push(resolved);
    return null;
  }
  const answer = lookup.runAnswer(ev, lookups);
  if (ev.kind === KIND.PERSON) {
    const person = convert.person(ev.person, ev.linkedin_url, answer);
    into.people.push(person);
    return person;
  }
  if (answer !== null) {
    const { index, entry, outcome, reason, code } = answer;
    (outcome === 'failed' ? into.lookupsFailed : into.lookupsNotFound).push({ index, entry, outcome, reason, code });
  } else if (ev.kind === KIND.NOT_FOUND) {
    into.notFound.push(ev.linkedin_url);
  }
  return null;
}

// pubrio_bulk_close() within res.closeTimeoutMs, then pubrio_bulk_free()
// of `res` ({ bulk, err, event, client, release, accepted, lookups,
// closeTimeoutMs }), once; what the close kept and named.
async function closeAndFree(res) {
  const left = nothingLeft();
  if (!res.bulk) return left;
  const bulk = res.bulk;
  try {
    await res.client._exclusive(async () => {
      left.status = await callAsync(c.bulkClose, bulk, res.closeTimeoutMs, res.err);
      c.errorClear(res.err);
      for (let i = 0; ; i++) {
        const ptr = c.bulkDrained(bulk, i);
        if (!ptr) break;
        take(koffi.decode(ptr, types.BulkEvent), res.lookups, { ...left, people: left.drained });
      }
      for (let i = 0; ; i++) {
        const id = c.bulkUncertain(bulk, i);
        if (id === null) break;
        left.uncertain.push(id);
      }
      left.uncollected = uncollectedOf(bulk, res.accepted);
      const size = Number(c.bulkLeftover(bulk, null, 0));
      if (size > 0) {
        const buf = Buffer.alloc(size + 1);
        c.bulkLeftover(bulk, buf, buf.length);
        left.leftover = buf.toString('utf8', 0, size);
      }
      left.stats = readStats(bulk);
    }, undefined, { whileClosing: true });
  } finally {
    // The client stays alive until release(): the run retains it.
    c.bulkFree(bulk);
    res.bulk = null;
    for (const key of ['err', 'event']) {
      if (res[key]) koffi.free(res[key]);
      res[key] = null;
    }
    res.release?.();
    res.release = null;
  }
  return left;
}

// The batches the library holds as accepted and not collected, with their
// number and people when the run saw them accepted.
function uncollectedOf(bulk, accepted) {
  const list = [];
  for (let i = 0; ; i++) {
    const count = [0];
    const id = c.bulkUncollected(bulk, i, count);
    if (id === null) break;
    const seen = accepted.get(id);
    list.push({ redeemQueryId: id, batch: seen?.batch ?? null, peopleCount: Number(count[0]), people: seen?.people ?? null });
  }
  return list.sort((a, b) => (a.batch ?? Infinity) - (b.batch ?? Infinity));
}

function readStats(bulk) {
  const size = koffi.sizeof(types.BulkStats);
  const buf = allocZeroed(size);
  try {
    c.bulkStatsGet(bulk, buf, size);
    return convert.bulkStats(koffi.decode(buf, types.BulkStats));
  } finally {
    koffi.free(buf);
  }
}

// One warning a run that leaves something paid and undelivered, in the
// library's words (its C names made Node calls) and how to get it.
function warnLeftover(left, how) {
  if (!left.leftover) return;
  const ways = [];
  if (how) {
    // The run is gone: the ids are all this warning can hand over.
    if (left.uncollected.length) ways.push('collect each batch of the warning\'s detail with client.wait(redeemQueryId), never submit them again');
  } else {
    if (left.uncollected.length) ways.push('collect run.uncollected with client.wait(redeemQueryId), never submit them again');
    if (left.drained.length) ways.push('the people kept are in run.drained');
    if (left.uncertain.length) ways.push('run.uncertain lists the people maybe charged (not resent)');
    if (left.resolved.length) ways.push('run.resolved lists the lookup entries resolved (paid) with their peopleSearchId: buy those people by id, never look the entries up again');
  }
  // A dropped run's resolved entries are named here, or lost: "entry
  // <index>: <peopleSearchId>".
  const resolvedNamed = how && left.resolved.length
    ? `. Lookup entries resolved (paid), to buy by id: ${left.resolved.map((r) => `entry ${r.index}: ${r.peopleSearchId}`).join(', ')}`
    : '';
  const text = `${how ? `${how}: ` : ''}${nodeWords(left.leftover)}${ways.length ? `. To get them: ${ways.join('; ')}` : ''}${resolvedNamed}`;
  process.emitWarning(text, {
    type: 'PubrioLeftoverWarning',
    code: 'PUBRIO_LEFTOVER',
    detail: left.uncollected.map((b) => b.redeemQueryId).join(' ') || undefined,
  });
}

class BulkRun {
  #client;
  #people;
  #linkedinUrls;
  #notFound = [];
  #lookups;
  #lookupsNotFound = [];
  #lookupsFailed = [];
  #mask;
  #closeTimeoutMs;
  #options;
  #started = false;
  // The C side, shared with the `dropped` registry: bulk, err, event,
  // client, release (lets the client be freed once the run is), accepted
  // (redeem_query_id -> { batch, peopleCount, people, handedOut }).
  #res = null;
  #accepted = new Map();
  #opening = null; // the one #open() of the run
  #leaving = null; // the one close of the run
  #closeRequested = false;
  #abortCancelled = false; // the signal's abort cancelled the client (once)
  #left = null; // what the close kept and named

  constructor(client, people, contactTypes, options) {
    // Checked now, so bad input fails before anything is sent.
    this.#people = convert.idList(people, 'people');
    this.#linkedinUrls = options.linkedinUrls == null ? [] : convert.idList(options.linkedinUrls, 'linkedinUrls');
    this.#lookups = options.lookups == null ? [] : lookup.entryList(options.lookups);
    this.#mask = convert.typesMask(contactTypes);
    this.#closeTimeoutMs = closeTimeoutOf(options.closeTimeoutMs);
    this.#client = client;
    this.#options = options;
  }

  /**
   * The batches paid for and not collected: each { redeemQueryId, batch,
   * peopleCount, people } (people: the ids, when the run saw them), to
   * collect with client.wait(redeemQueryId). Complete once the run is
   * left; before, the batches accepted whose people were not handed out.
   */
  get uncollected() {
    if (this.#left) return this.#left.uncollected.map((b) => ({ ...b }));
    const list = [];
    for (const [id, seen] of this.#accepted) {
      if (!seen.handedOut) list.push({ redeemQueryId: id, batch: seen.batch, peopleCount: seen.peopleCount, people: seen.people });
    }
    return list;
  }

  /** The people the close kept: collected by the run and not handed out by
   * the loop (it was left early); also what close() returns. */
  get drained() {
    return this.#left ? [...this.#left.drained] : [];
  }

  /** The people (ids, or LinkedIn URLs) this run submitted without a
   * conclusive answer: maybe charged, never resent. Complete once left. */
  get uncertain() {
    return this.#left ? [...this.#left.uncertain] : [];
  }

  /** The library's sentence naming what the run left paid and undelivered
   * (null: nothing), once the run is left; also in the process warning. */
  get leftover() {
    return this.#left?.leftover ? nodeWords(this.#left.leftover) : null;
  }

  /** The LinkedIn URLs (normalized) that name nobody, as the run finds
   * them. */
  get notFound() {
    return [...this.#notFound];
  }

  /** The lookup entries given (copies of their known fields), in order:
   * a person's `lookupEntry` is an index into it. */
  get lookups() {
    return [...this.#lookups];
  }

  /** The lookup entries that named nobody (`not_found`) or were not looked
   * up (`not_looked_up`: `reason` says why), as the run finds them: each
   * { index, entry, outcome, reason, code }. */
  get lookupsNotFound() {
    return [...this.#lookupsNotFound];
  }

  /** The lookup entries whose lookup or purchase failed (`failed`: `code`
   * and `reason` say why; a lookup maybe charged is never resent). */
  get lookupsFailed() {
    return [...this.#lookupsFailed];
  }

  /** The lookup entries resolved (paid: 1 credit each) to people the run
   * did not hand out, in entry order, once the run is left: each { index,
   * entry, peopleSearchId, confidence }. Buy them by peopleSearchId; never
   * look the entries up again. */
  get resolved() {
    return this.#left ? this.#left.resolved.map((r) => ({ ...r })) : [];
  }

  /** The run's counts (before the first event: a dry run, nothing sent). */
  async stats() {
    if (this.#left) return this.#left.stats;
    await this.#ensureOpen();
    return this.#client._exclusive(async () => (this.#res?.bulk ? readStats(this.#res.bulk) : this.#left.stats),
      undefined, { whileClosing: true });
  }

  // Opened once, whoever asks first (stats() may run beside the loop).
  #ensureOpen() {
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open() {
    const o = this.#options;
    const ints = ['batchSize', 'parallel', 'requestsPerMinute', 'maxCredits', 'profileId', 'timeoutMs'];
    for (const name of ints) {
      if (o[name] !== undefined && o[name] !== null && !Number.isSafeInteger(o[name])) {
        throw invalidArgument(`${name} must be an integer`);
      }
    }
    if (o.journal !== undefined && typeof o.journal !== 'string') throw invalidArgument('journal must be a file path');
    if (this.#closeRequested) throw invalidArgument('the run is closed');
    // Entries checked whole before anything is sent (a bad one named).
    const lookupReq = this.#lookups.length
      ? lookup.request(this.#lookups, { similar: o.similar ?? false, batchSize: o.lookupBatchSize ?? null })
      : null;
    const err = allocError();
    const out = [null];
    try {
      check(c.bulkOptionsNew(out, err), err);
    } catch (e) {
      c.lookupRequestFree(lookupReq);
      koffi.free(err);
      throw e;
    }
    const opts = out[0];
    let wait = null;
    let release = null;
    try {
      if (o.batchSize !== undefined) check(c.bulkSetBatchSize(opts, o.batchSize, err), err);
      if (o.parallel !== undefined) check(c.bulkSetMaxInFlight(opts, o.parallel, err), err);
      if (o.requestsPerMinute !== undefined) check(c.bulkSetRateLimit(opts, o.requestsPerMinute, err), err);
      if (o.journal !== undefined) check(c.bulkSetJournal(opts, o.journal, o.resubmitUncertain ? 1 : 0, err), err);
      if (o.maxCredits != null) check(c.bulkSetMaxCredits(opts, o.maxCredits, err), err);
      if (o.profileId != null) check(c.bulkSetProfile(opts, o.profileId, err), err);
      wait = waitOptions(o, err);
      if (wait) check(c.bulkSetWait(opts, wait, err), err);
      // The journal is opened and locked here: file work, off the loop.
      release = this.#client._retain();
      const bulk = await this.#client._exclusive(async (ptr) => {
        const run = [null];
        check(await callAsync(c.bulkNew, run, ptr, this.#mask, opts, err), err);
        return run[0];
      });
      try {
        for (let at = 0; at < this.#people.length; at += ADD_CHUNK) {
          const chunk = this.#people.slice(at, at + ADD_CHUNK);
          // On a worker too: validating many ids takes a while.
          const status = await callAsync(c.bulkAddPeople, bulk, chunk, chunk.length, err);
          if (status !== 0) {
            const e = takeError(err);
            e.message = e.message.replace(/index (\d+)/, (_, i) => `index ${at + Number(i)}`);
            throw e;
          }
        }
        if (this.#linkedinUrls.length) {
          // All at once: all or nothing, a bad one named by its index.
          const urls = this.#linkedinUrls;
          check(await callAsync(c.bulkAddLinkedinUrls, bulk, urls, urls.length, err), err);
        }
        if (lookupReq) check(await callAsync(c.bulkAddLookups, bulk, lookupReq, err), err); // copied by the run
      } catch (e) {
        c.bulkFree(bulk); // nothing was sent: nothing to close
        throw e;
      }
      this.#res = {
        bulk,
        err: allocError(),
        event: allocZeroed(koffi.sizeof(types.BulkEvent)), // filled up to its size
        client: this.#client,
        release,
        accepted: this.#accepted,
        lookups: this.#lookups,
        closeTimeoutMs: this.#closeTimeoutMs, // for every way of leaving
      };
      release = null;
      dropped.register(this, this.#res, this);
    } finally {
      c.waitOptionsFree(wait);
      c.bulkOptionsFree(opts);
      c.lookupRequestFree(lookupReq);
      koffi.free(err);
      release?.();
    }
  }

  [Symbol.asyncIterator]() {
    if (this.#started) throw invalidArgument('a bulk run can be iterated once');
    this.#started = true;
    return this.#iterate();
  }

  async *#iterate() {
    const signal = this.#options.signal;
    let failure = null;
    try {
      await this.#ensureOpen();
      while (!this.#closeRequested) {
        const batch = await this.#next(signal);
        if (batch === null) return;
        for (const person of batch) yield person;
      }
    } catch (e) {
      failure = e;
      throw e;
    } finally {
      // However the loop is left; a throw in the loop body lands here too
      // (for await calls return()).
      const left = await this.#leave();
      if (failure instanceof Error && this.#res !== null) {
        failure.uncollected = left.uncollected.map((b) => ({ ...b }));
        failure.drained = [...left.drained];
        failure.uncertain = [...left.uncertain];
      }
    }
  }

  // One worker call: the people of the events it brought (an empty array
  // when the wait ran out), or null at the end.
  async #next(signal) {
    return this.#client._exclusive(async (ptr) => {
      const res = this.#res;
      if (!res?.bulk || this.#closeRequested) return null; // closed meanwhile
      // An abort cancels the client once a run: the engine stops as at a
      // first stop (the submits in flight finish) and fails with
      // PUBRIO_E_CANCELLED; the close drains and names. A second cancel
      // would cut the submits in flight, so a later step does not cancel
      // again, and the cancel is not reset while the engine may not have
      // taken it yet (it takes each one once; it is reset once the run
      // has failed with it).
      const onAbort = () => {
        if (this.#abortCancelled) return;
        this.#abortCancelled = true;
        c.clientCancel(ptr);
      };
      let status;
      try {
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
        status = await callAsync(c.bulkNext, res.bulk, NEXT_TIMEOUT_MS, res.event, koffi.sizeof(types.BulkEvent), res.err);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        if (this.#abortCancelled && status !== 0) c.clientResetCancel(ptr);
      }
      if (status !== 0) {
        const e = takeError(res.err);
        if (signal?.aborted && signal.reason !== undefined) e.cause = signal.reason;
        throw e;
      }
      const ev = koffi.decode(res.event, types.BulkEvent);
      switch (ev.kind) {
        case KIND.BATCH_ACCEPTED:
          this.#accepted.set(ev.redeem_query_id, {
            batch: ev.batch,
            peopleCount: Number(ev.people_count),
            people: ev.people ? koffi.decode(ev.people, koffi.array('const char *', ev.people_count, 'Array')) : null,
            handedOut: false,
          });
          return [];
        case KIND.PERSON:
        case KIND.NOT_FOUND:
        case KIND.BATCH_FAILED: {
          const people = [];
          take(ev, this.#lookups, { people, notFound: this.#notFound, lookupsNotFound: this.#lookupsNotFound, lookupsFailed: this.#lookupsFailed });
          return people;
        }
        case KIND.BATCH_DONE: {
          const seen = this.#accepted.get(ev.redeem_query_id);
          if (seen) seen.handedOut = true;
          return [];
        }
        case KIND.FINISHED:
          return null;
        default:
          return [];
      }
    }, undefined, { whileClosing: true });
  }

  // The one close of the run (pubrio_bulk_close, then free), whoever asks
  // first; resolves to what it kept and named, and warns once.
  #leave() {
    this.#leaving ??= (async () => {
      await this.#opening?.catch(() => {});
      const res = this.#res;
      if (!res) {
        this.#left = nothingLeft();
        return this.#left;
      }
      dropped.unregister(this);
      const left = await closeAndFree(res);
      this.#notFound.push(...left.notFound);
      this.#lookupsNotFound.push(...left.lookupsNotFound);
      this.#lookupsFailed.push(...left.lookupsFailed);
      this.#left = left;
      warnLeftover(left, null);
      return left;
    })();
    return this.#leaving;
  }

  /**
   * Leave the run: stop it (nothing new starts), let the submits in flight
   * finish (within the run's `closeTimeoutMs`: past it they are cut, their
   * people named in run.uncertain), keep the people collected and not
   * handed out, name what stays paid and undelivered (run.uncollected,
   * run.uncertain, a warning), and free it. Resolves to the people kept (run.drained). A loop over the run
   * ends at its next step. Calling it again resolves to the same people.
   */
  async close() {
    this.#closeRequested = true;
    const left = await this.#leave();
    return [...left.drained];
  }
}

module.exports = { BulkRun };
