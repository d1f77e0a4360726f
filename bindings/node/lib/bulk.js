// A bulk run as an async iterator of people. pubrio_bulk_next() runs on a
// koffi worker with a short timeout, so the event loop stays free between
// and during the waits; each event is copied out before the next call (its
// memory lives only until then).
'use strict';
const { c, koffi, types, callAsync, allocZeroed, allocError } = require('./ffi');
const { takeError, invalidArgument } = require('./errors');
const convert = require('./convert');
const { check, waitOptions } = require('./client');

const NEXT_TIMEOUT_MS = 200; // how long one worker call may wait for an event
const ADD_CHUNK = 10000; // ids per pubrio_bulk_add_people() call
const KIND = { NONE: 0, BATCH_ACCEPTED: 1, PERSON: 2, BATCH_DONE: 3, STRANGERS: 4, FINISHED: 5, NOT_FOUND: 8 };

class BulkRun {
  #client;
  #people;
  #linkedinUrls;
  #notFound = [];
  #mask;
  #options;
  #started = false;
  #bulk = null;
  #err = null;
  #event = null;
  #accepted = new Map(); // redeem_query_id -> { batch, peopleCount, people, handedOut }
  #uncollected = null;
  #finalStats = null;
  #release = null; // lets the client be freed once the run is
  #opening = null; // the one #open() of the run

  constructor(client, people, contactTypes, options) {
    // Checked now, so bad input fails before anything is sent.
    this.#people = convert.idList(people, 'people');
    this.#linkedinUrls = options.linkedinUrls == null ? [] : convert.idList(options.linkedinUrls, 'linkedinUrls');
    this.#mask = convert.typesMask(contactTypes);
    this.#client = client;
    this.#options = options;
  }

  /**
   * The batches paid for whose people were not all handed out: each
   * { redeemQueryId, peopleCount, people } (people: the ids, when the run
   * saw them), to collect with client.wait(redeemQueryId). Complete once
   * the loop has ended (finished, failed or left with break).
   */
  get uncollected() {
    return this.#uncollected ?? this.#uncollectedNow();
  }

  /** The LinkedIn URLs (normalized) that name nobody, as the run finds
   * them. */
  get notFound() {
    return [...this.#notFound];
  }

  /** The run's counts (before the first event: a dry run, nothing sent). */
  async stats() {
    if (this.#finalStats) return this.#finalStats;
    await this.#ensureOpen();
    if (this.#finalStats) return this.#finalStats;
    return this.#client._exclusive(async () => this.#readStats());
  }

  #readStats() {
    const size = koffi.sizeof(types.BulkStats);
    const buf = allocZeroed(size);
    try {
      c.bulkStatsGet(this.#bulk, buf, size);
      return convert.bulkStats(koffi.decode(buf, types.BulkStats));
    } finally {
      koffi.free(buf);
    }
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
    const err = allocError();
    const out = [null];
    check(c.bulkOptionsNew(out, err), err);
    const opts = out[0];
    let wait = null;
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
      this.#release = this.#client._retain();
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
      } catch (e) {
        c.bulkFree(bulk);
        throw e;
      }
      this.#bulk = bulk;
      this.#err = allocError();
      this.#event = allocZeroed(koffi.sizeof(types.BulkEvent)); // filled up to its size
    } finally {
      c.waitOptionsFree(wait);
      c.bulkOptionsFree(opts);
      koffi.free(err);
      if (!this.#bulk && this.#release) {
        this.#release();
        this.#release = null;
      }
    }
  }

  [Symbol.asyncIterator]() {
    if (this.#started) throw invalidArgument('a bulk run can be iterated once');
    this.#started = true;
    return this.#iterate();
  }

  async *#iterate() {
    const signal = this.#options.signal;
    let ended = false; // finished or failed: nothing left to drain
    try {
      await this.#ensureOpen();
      for (;;) {
        const batch = await this.#next(signal);
        if (batch === null) {
          ended = true;
          return;
        }
        for (const person of batch) yield person;
      }
    } catch (e) {
      ended = true;
      if (e.statusValue !== undefined && this.#bulk) {
        this.#uncollected = this.#uncollectedNow();
        e.uncollected = this.#uncollected;
      }
      throw e;
    } finally {
      if (!ended && this.#bulk) await this.#stop();
      this.#close();
    }
  }

  // One worker call: the people of the events it brought (an empty array
  // when the wait ran out), or null at the end.
  async #next(signal) {
    return this.#client._exclusive(async (ptr) => {
      // An abort cancels the client: the engine lets what is in flight
      // settle and fails with PUBRIO_E_CANCELLED, every paid batch known.
      const onAbort = () => c.clientCancel(ptr);
      let status;
      try {
        if (signal?.aborted) onAbort();
        else signal?.addEventListener('abort', onAbort, { once: true });
        status = await callAsync(c.bulkNext, this.#bulk, NEXT_TIMEOUT_MS, this.#event, koffi.sizeof(types.BulkEvent), this.#err);
      } finally {
        signal?.removeEventListener('abort', onAbort);
        if (signal?.aborted) c.clientResetCancel(ptr);
      }
      if (status !== 0) {
        const e = takeError(this.#err);
        if (signal?.aborted && signal.reason !== undefined) e.cause = signal.reason;
        throw e;
      }
      const ev = koffi.decode(this.#event, types.BulkEvent);
      switch (ev.kind) {
        case KIND.BATCH_ACCEPTED:
          this.#recordAccepted(ev);
          return [];
        case KIND.PERSON:
          return [convert.person(ev.person, ev.linkedin_url)];
        case KIND.NOT_FOUND:
          this.#notFound.push(ev.linkedin_url);
          return [];
        case KIND.BATCH_DONE: {
          const seen = this.#accepted.get(ev.redeem_query_id);
          if (seen) seen.handedOut = true;
          return [];
        }
        case KIND.FINISHED:
          this.#uncollected = this.#uncollectedNow();
          return null;
        default:
          return [];
      }
    });
  }

  // Left early (break, return, a throw in the loop body): cancel, let the
  // engine settle what is in flight so every accepted batch is known, and
  // keep the list of what was paid and not handed out.
  async #stop() {
    await this.#client._exclusive(async (ptr) => {
      c.clientCancel(ptr);
      try {
        for (;;) {
          const status = await callAsync(c.bulkNext, this.#bulk, NEXT_TIMEOUT_MS, this.#event, koffi.sizeof(types.BulkEvent), this.#err);
          if (status !== 0) {
            c.errorClear(this.#err);
            break;
          }
          const ev = koffi.decode(this.#event, types.BulkEvent);
          if (ev.kind === KIND.FINISHED) break;
          if (ev.kind === KIND.BATCH_ACCEPTED) this.#recordAccepted(ev);
        }
      } finally {
        c.clientResetCancel(ptr);
      }
    }).catch(() => {}); // a closed client: nothing more can be learnt
    this.#uncollected = this.#uncollectedNow();
  }

  // A paid batch and its people, kept until its BATCH_DONE was seen.
  #recordAccepted(ev) {
    this.#accepted.set(ev.redeem_query_id, {
      batch: ev.batch,
      peopleCount: ev.people_count,
      people: ev.people ? koffi.decode(ev.people, koffi.array('const char *', ev.people_count, 'Array')) : null,
      handedOut: false,
    });
  }

  // Batches the library still holds as accepted and uncollected, plus those
  // it collected whose people the loop did not all receive.
  #uncollectedNow() {
    const list = [];
    const listed = new Set();
    for (const [id, seen] of this.#accepted) {
      if (!seen.handedOut) {
        list.push({ redeemQueryId: id, batch: seen.batch, peopleCount: seen.peopleCount, people: seen.people });
        listed.add(id);
      }
    }
    if (this.#bulk) {
      for (let i = 0; ; i++) {
        const count = [0];
        const id = c.bulkUncollected(this.#bulk, i, count);
        if (id === null) break;
        if (!listed.has(id)) list.push({ redeemQueryId: id, batch: null, peopleCount: count[0], people: null });
      }
    }
    return list.sort((a, b) => (a.batch ?? Infinity) - (b.batch ?? Infinity));
  }

  /** Free the run without iterating it (after stats(), say); a loop over
   * it frees it by itself when it ends. */
  close() {
    if (this.#started && this.#bulk) throw invalidArgument('the run is being iterated: leave the loop instead');
    this.#close();
  }

  #close() {
    if (this.#bulk) {
      this.#finalStats = this.#readStats();
      c.bulkFree(this.#bulk);
      this.#bulk = null;
    }
    for (const ptr of [this.#err, this.#event]) if (ptr) koffi.free(ptr);
    this.#err = null;
    this.#event = null;
    if (this.#release) this.#release();
    this.#release = null;
  }
}

module.exports = { BulkRun };
