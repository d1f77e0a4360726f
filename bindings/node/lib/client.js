// The client: every call that can wait on the network runs on a koffi
// worker thread (fn.async), one at a time per client (a pubrio_client is not
// thread-safe), so the event loop never blocks. An AbortSignal cancels the
// call in flight through pubrio_client_cancel(), which is thread-safe.
'use strict';
const { c, koffi, callAsync, allocError, LogFn } = require('./ffi');
const { takeError, invalidArgument, errorFrom } = require('./errors');
const convert = require('./convert');
const lookup = require('./lookup');

const CANCELLED = 16;
const WAIT_TIMEOUT = 15;

// The safety net for clients never closed: free the C side once the JS
// object is garbage. close() unregisters, so nothing is freed twice.
const finalizer = new FinalizationRegistry(({ ptr, err, log }) => {
  c.clientFree(ptr);
  koffi.free(err);
  if (log) koffi.unregister(log);
});

// Log levels by name, as `logLevel` takes them; the logger's method for
// each pubrio_log_level.
const LOG_LEVELS = { error: 1, warn: 2, info: 3, debug: 4 };
const LOG_METHODS = [null, 'error', 'warn', 'info', 'debug'];

// The C log callback for `logger` (anything with error/warn/info/debug
// methods: console, pino, winston). It holds the logger, never the client,
// so an unclosed client can still be garbage. A logger that throws is
// ignored: a log line must not break the call that wrote it.
function logCallback(logger, level) {
  if (typeof logger !== 'object' && typeof logger !== 'function') {
    throw invalidArgument('logger must be an object with error, warn, info and debug methods (console will do)');
  }
  const missing = LOG_METHODS.slice(1, LOG_LEVELS[level] + 1).filter((m) => typeof logger[m] !== 'function');
  if (missing.length) throw invalidArgument(`logger has no ${missing.join(', ')} method`);
  return koffi.register((lvl, message) => {
    try {
      logger[LOG_METHODS[lvl] ?? 'debug'](`pubrio: ${message}`);
    } catch {
      // ignored, as said above
    }
  }, koffi.pointer(LogFn));
}

function check(status, err) {
  if (status !== 0) throw takeError(err);
}

function isInt(value) {
  return Number.isSafeInteger(value);
}

// Wait options from { timeoutMs, minDelayMs, maxDelayMs, firstDelayMs };
// null (the library's defaults) when none is given. The caller frees.
function waitOptions(opts, err) {
  const { timeoutMs, minDelayMs, maxDelayMs, firstDelayMs } = opts;
  if ([timeoutMs, minDelayMs, maxDelayMs, firstDelayMs].every((v) => v === undefined)) return null;
  for (const [name, v] of Object.entries({ timeoutMs, minDelayMs, maxDelayMs, firstDelayMs })) {
    if (v !== undefined && !isInt(v)) throw invalidArgument(`${name} must be an integer number of milliseconds`);
  }
  const out = [null];
  check(c.waitOptionsNew(out, err), err);
  const w = out[0];
  try {
    if (timeoutMs !== undefined) check(c.waitSetTimeout(w, timeoutMs, err), err);
    if (minDelayMs !== undefined || maxDelayMs !== undefined) {
      check(c.waitSetDelays(w, minDelayMs ?? 1000, maxDelayMs ?? 30000, err), err);
    }
    if (firstDelayMs !== undefined) check(c.waitSetFirstDelay(w, firstDelayMs, err), err);
  } catch (e) {
    c.waitOptionsFree(w);
    throw e;
  }
  return w;
}

class Client {
  #ptr = null;
  #err = null; // this client's pubrio_error, in C memory
  #tail = Promise.resolve(); // the queue: calls run one after another
  #pending = 0;
  #closing = false;
  #log = null; // the registered log callback, unregistered once freed
  #cancelRequested = false; // cancel(): reset once nothing is in flight
  #signalHandlers = []; // [signal, handler] of cancelOnSignal()

  /**
   * @param {object} [options] apiKey (else PUBRIO_API_KEY), baseUrl (else
   *   PUBRIO_BASE_URL, else https://api.pubrio.com), timeoutMs,
   *   connectTimeoutMs, maxAttempts, requestsPerMinute, userAgent, caFile,
   *   caPath, headers, logger (console or any object with error, warn,
   *   info and debug methods), logLevel ('error', 'warn' (the default),
   *   'info': a line a request, 'debug': bodies too).
   */
  constructor(options = {}) {
    const err = allocError();
    const out = [null];
    const status = c.clientNew(out, options.apiKey ?? null, err);
    if (status !== 0) {
      const e = takeError(err);
      koffi.free(err);
      throw e;
    }
    this.#ptr = out[0];
    this.#err = err;
    const held = { ptr: this.#ptr, err, log: null };
    finalizer.register(this, held, this);
    try {
      if (options.logger !== undefined && options.logger !== null) {
        const level = options.logLevel ?? 'warn';
        if (!Object.hasOwn(LOG_LEVELS, level)) {
          throw invalidArgument(`logLevel ${JSON.stringify(level)}: expected "error", "warn", "info" or "debug"`);
        }
        this.#log = held.log = logCallback(options.logger, level);
        check(c.setLog(this.#ptr, LOG_LEVELS[level], this.#log, null, err), err);
      } else if (options.logLevel !== undefined) {
        throw invalidArgument('logLevel needs a logger');
      }
      this.#configure(options);
    } catch (e) {
      this.close();
      throw e;
    }
  }

  #configure(o) {
    const err = this.#err;
    const p = this.#ptr;
    if (o.baseUrl !== undefined) check(c.setBaseUrl(p, String(o.baseUrl), err), err);
    if (o.timeoutMs !== undefined || o.connectTimeoutMs !== undefined) {
      check(c.setTimeouts(p, o.connectTimeoutMs ?? 10000, o.timeoutMs ?? 60000, err), err);
    }
    if (o.maxAttempts !== undefined) check(c.setRetry(p, o.maxAttempts, 500, 8000, err), err);
    if (o.requestsPerMinute !== undefined) check(c.setRateLimit(p, o.requestsPerMinute, err), err);
    if (o.userAgent !== undefined) check(c.setUserAgent(p, o.userAgent, err), err);
    if (o.caFile !== undefined || o.caPath !== undefined) {
      check(c.setCa(p, o.caFile ?? null, o.caPath ?? null, err), err);
    }
    for (const [name, value] of Object.entries(o.headers ?? {})) this.setHeader(name, value);
  }

  /** The base URL in use. */
  get baseUrl() {
    return c.baseUrl(this.#live());
  }

  /** Send a header with every request (null removes it). */
  setHeader(name, value) {
    check(c.setHeader(this.#live(), name, value ?? null, this.#err), this.#err);
  }

  #live() {
    if (!this.#ptr || this.#closing) throw invalidArgument('the client is closed');
    return this.#ptr;
  }

  /**
   * Run `work(ptr, err)` alone on this client (after every call queued
   * before it). `signal`, when given, cancels it: an abort calls
   * pubrio_client_cancel() while the work runs, and the cancel is reset
   * before the next call starts.
   */
  async _exclusive(work, signal, { whileClosing = false } = {}) {
    if (!whileClosing) this.#live();
    else if (!this.#ptr) throw invalidArgument('the client is closed');
    this.#pending++;
    const previous = this.#tail;
    let release;
    this.#tail = new Promise((resolve) => (release = resolve));
    await previous;
    let cancelled = false;
    const onAbort = () => {
      cancelled = true;
      c.clientCancel(this.#ptr);
    };
    try {
      if (!this.#ptr) throw invalidArgument('the client is closed');
      if (signal?.aborted) {
        throw errorFrom({ status: CANCELLED, message: 'the signal was aborted before the call started', retry_after_ms: -1 });
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      return await work(this.#ptr, this.#err);
    } catch (e) {
      if (cancelled && e instanceof Error && e.cause === undefined && signal.reason !== undefined) {
        e.cause = signal.reason;
      }
      throw e;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (cancelled && this.#ptr && !this.#closing) c.clientResetCancel(this.#ptr); // close() cancels for good
      this.#pending--;
      release();
      this.#settle();
    }
  }

  // Nothing in flight any more: free a closed client, or let calls run
  // again after cancel().
  #settle() {
    if (this.#pending !== 0) return;
    if (this.#closing) this.#free();
    else if (this.#cancelRequested) {
      this.#cancelRequested = false;
      c.clientResetCancel(this.#ptr);
    }
  }

  /**
   * Cancel what this client is doing and every call queued on it: each
   * rejects with a CancelledError (a bulk run stops as at its first stop:
   * nothing new starts, submits in flight finish, polls are cut, and the
   * run is closed with what it paid named). Calls made once they have all
   * returned run normally. Safe from a signal handler.
   */
  cancel() {
    if (!this.#ptr || this.#closing || this.#pending === 0) return;
    this.#cancelRequested = true;
    c.clientCancel(this.#ptr);
  }

  /**
   * Turn Ctrl-C (or the given signals) into cancel(): the first one stops
   * what runs on this client, a bulk run drains and names what it paid
   * (a second one cuts what is still in flight; the third is the
   * default: the process ends). Returns the function that removes the
   * handler; close() removes it too.
   */
  cancelOnSignal(signals = ['SIGINT']) {
    this.#live();
    const list = typeof signals === 'string' ? [signals] : Array.from(signals);
    let received = 0;
    const handlers = list.map((name) => {
      const handler = () => {
        received++;
        this.cancel(); // a second one cuts what is still in flight
        if (received >= 2) remove(); // the next one ends the process
      };
      process.on(name, handler);
      return [name, handler];
    });
    this.#signalHandlers.push(...handlers);
    const remove = () => {
      for (const [name, handler] of handlers) process.removeListener(name, handler);
      this.#signalHandlers = this.#signalHandlers.filter((h) => !handlers.includes(h));
    };
    return remove;
  }

  /** Calls queued or running, and runs open (for the tests). */
  get _pending() {
    return this.#pending;
  }

  /** Keep the C client alive (a bulk run uses it) until the returned
   * function is called; close() meanwhile cancels and frees it after. */
  _retain() {
    this.#live();
    this.#pending++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#pending--;
      this.#settle();
    };
  }

  #request(people, contactTypes, profileId) {
    const ids = convert.idList(people, 'people');
    const mask = convert.typesMask(contactTypes);
    if (profileId !== undefined && profileId !== null && !isInt(profileId)) {
      throw invalidArgument('profileId must be an integer');
    }
    const err = allocError();
    const out = [null];
    try {
      check(c.requestNew(out, err), err);
      const req = out[0];
      try {
        check(c.requestAddPeople(req, ids, ids.length, err), err);
        check(c.requestAddTypes(req, mask, err), err);
        if (profileId !== undefined && profileId !== null) check(c.requestSetProfile(req, profileId, err), err);
      } catch (e) {
        c.requestFree(req);
        throw e;
      }
      return req;
    } finally {
      koffi.free(err);
    }
  }

  /** Submit one batch (spends credits; sent once). Resolves to its Batch. */
  async submit(people, contactTypes, options = {}) {
    const req = this.#request(people, contactTypes, options.profileId);
    try {
      return await this._exclusive(async (ptr, err) => {
        const out = [null];
        check(await callAsync(c.submit, ptr, req, out, err), err);
        try {
          return convert.batch(koffi.decode(out[0], 'pubrio_batch_job'));
        } finally {
          c.jobFree(out[0]);
        }
      }, options.signal);
    } finally {
      c.requestFree(req);
    }
  }

  /** Ask once for a batch's state (free, read-only). */
  async query(redeemQueryId, options = {}) {
    if (typeof redeemQueryId !== 'string') throw invalidArgument('redeemQueryId must be a string');
    return this._exclusive(async (ptr, err) => {
      const out = [null];
      const status = await callAsync(c.query, ptr, redeemQueryId, out, err);
      return this.#result(status, out[0], err);
    }, options.signal);
  }

  /** Poll a batch until complete; WaitTimeoutError past timeoutMs. */
  async wait(redeemQueryId, options = {}) {
    if (typeof redeemQueryId !== 'string') throw invalidArgument('redeemQueryId must be a string');
    return this.#withWaitOptions(options, (ptr, err, w) => {
      const out = [null];
      return callAsync(c.wait, ptr, redeemQueryId, w, out, err).then((status) => this.#result(status, out[0], err));
    });
  }

  /** Submit a batch and wait for its contacts (spends credits once). */
  async submitAndWait(people, contactTypes, options = {}) {
    const req = this.#request(people, contactTypes, options.profileId);
    try {
      return await this.#withWaitOptions(options, (ptr, err, w) => {
        const out = [null];
        return callAsync(c.submitAndWait, ptr, req, w, out, err).then((status) => this.#result(status, out[0], err));
      });
    } finally {
      c.requestFree(req);
    }
  }

  async #withWaitOptions(options, work) {
    const err = allocError();
    let w;
    try {
      w = waitOptions(options, err);
    } finally {
      koffi.free(err);
    }
    try {
      return await this._exclusive((ptr, cerr) => work(ptr, cerr, w), options.signal);
    } finally {
      c.waitOptionsFree(w);
    }
  }

  // A query result, or the typed error; a wait cut short keeps its last
  // state in error.lastResult.
  #result(status, resultPtr, err) {
    try {
      if (status === 0) return convert.queryResult(resultPtr);
      const e = takeError(err);
      if (resultPtr && (status === WAIT_TIMEOUT || status === CANCELLED)) {
        e.lastResult = convert.queryResult(resultPtr);
      }
      throw e;
    } finally {
      c.resultFree(resultPtr);
    }
  }

  /** The workspace's balance, prices and plan limits (POST /profile; free,
   * read-only). Unknown values are null. */
  async profile(options = {}) {
    return this.#account(c.profileGet, c.profileFree, convert.profile, options);
  }

  /** The request quotas used and allowed this hour, day and month (POST
   * /profile/usage; free, read-only). Unknown values are null. */
  async usage(options = {}) {
    return this.#account(c.usageGet, c.usageFree, convert.usage, options);
  }

  async #account(get, free, decode, options) {
    const { profileId = null } = options;
    if (profileId !== null && !isInt(profileId)) throw invalidArgument('profileId must be an integer');
    return this._exclusive(async (ptr, err) => {
      const out = [null];
      const status = await callAsync(get, ptr, profileId ?? -1, out, err);
      try {
        check(status, err);
        return decode(out[0]);
      } finally {
        free(out[0]);
      }
    }, options.signal);
  }

  /**
   * Redeem one person, synchronously (POST /redeem/people; spends credits,
   * sent once): by `peopleSearchId` or by `linkedinUrl`, exactly one.
   * Resolves to a QueryResult (no people when the URL names nobody).
   */
  async redeemPerson(contactTypes, options = {}) {
    const mask = convert.typesMask(contactTypes);
    const { peopleSearchId = null, linkedinUrl = null, profileId = null } = options;
    for (const [name, value] of [['peopleSearchId', peopleSearchId], ['linkedinUrl', linkedinUrl]]) {
      if (value !== null && typeof value !== 'string') throw invalidArgument(`${name} must be a string`);
    }
    if (profileId !== null && !isInt(profileId)) throw invalidArgument('profileId must be an integer');
    return this._exclusive(async (ptr, err) => {
      const out = [null];
      const status = await callAsync(c.redeemPerson, ptr, peopleSearchId, linkedinUrl, mask, profileId ?? -1, out, err);
      return this.#result(status, out[0], err);
    }, options.signal);
  }

  /**
   * Resolve entries ({ email }, { phone }, or { firstName, lastName,
   * domain or company }) to people (POST /redeem/people/contact/lookup/
   * batch; SPENDS CREDITS, 1 a billable match; each request sent once).
   * Options: similar (look up names with a company or domain; off by
   * default), profileId, batchSize (1..10000, default 100), signal.
   * Resolves to { answers (one per entry, in entry order), creditsCharged,
   * requests }. A failure rejects with the typed error, its `lookup` the
   * same object (answers received are kept: they are paid for) and its
   * `uncertainEntries` the entries maybe charged without an answer.
   */
  async lookup(entries, options = {}) {
    return this.#lookup(c.lookupBatch, lookup.entryList(entries), options);
  }

  /** One entry through POST /redeem/people/contact/lookup (spends credits,
   * sent once): resolves to its answer; a failure as lookup(). */
  async lookupOne(entry, options = {}) {
    const result = await this.#lookup(c.lookupPerson, lookup.entryList([entry]), options);
    return result.answers[0];
  }

  async #lookup(call, entries, options) {
    const req = lookup.request(entries, options);
    try {
      return await this._exclusive(async (ptr, err) => {
        const out = [null];
        const status = await callAsync(call, ptr, req, out, err);
        return lookup.settle(status, out[0], err, entries);
      }, options.signal);
    } finally {
      c.lookupRequestFree(req);
    }
  }

  /** What lookup(entries, options) would do, nothing sent: the entries it
   * looks up (also the worst case in credits), those it refuses (a name
   * while `similar` is off) and the requests. Bad entries throw. */
  planLookup(entries, options = {}) {
    const req = lookup.request(lookup.entryList(entries), options);
    try {
      return lookup.plan(req);
    } finally {
      c.lookupRequestFree(req);
    }
  }

  /**
   * Redeem any number of people with the bulk engine: an async iterable of
   * Person, as batches are collected. See BulkRun. `options.closeTimeoutMs`
   * bounds how long leaving the run waits for the submits in flight (past
   * it they are cut, their people in run.uncertain); a bad one throws now.
   */
  redeem(people, contactTypes, options = {}) {
    // Required lazily: bulk.js needs this module's helpers.
    const { BulkRun } = require('./bulk');
    return new BulkRun(this, people, contactTypes, options);
  }

  /** Free the C client. A call in flight is cancelled and the client is
   * freed when it returns. Calling it again does nothing. */
  close() {
    if (!this.#ptr || this.#closing) return;
    this.#closing = true;
    finalizer.unregister(this);
    for (const [name, handler] of this.#signalHandlers) process.removeListener(name, handler);
    this.#signalHandlers = [];
    if (this.#pending > 0) c.clientCancel(this.#ptr);
    else this.#free();
  }

  #free() {
    c.clientFree(this.#ptr);
    koffi.free(this.#err);
    if (this.#log) koffi.unregister(this.#log);
    this.#ptr = null;
    this.#err = null;
    this.#log = null;
  }
}

module.exports = { Client, check, waitOptions };
