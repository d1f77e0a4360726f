// Typed errors: one PubrioError subclass per pubrio_status, built from a
// pubrio_error the library filled.
'use strict';
const { c, koffi, types } = require('./ffi');

// Indexed by pubrio_status: the C values are fixed forever.
const CODES = [
  'PUBRIO_OK', 'PUBRIO_E_INVALID_ARGUMENT', 'PUBRIO_E_OUT_OF_MEMORY',
  'PUBRIO_E_NO_API_KEY', 'PUBRIO_E_TRANSPORT', 'PUBRIO_E_TIMEOUT',
  'PUBRIO_E_TLS', 'PUBRIO_E_BAD_REQUEST', 'PUBRIO_E_UNAUTHORIZED',
  'PUBRIO_E_PAYMENT_REQUIRED', 'PUBRIO_E_RATE_LIMITED', 'PUBRIO_E_SERVER',
  'PUBRIO_E_HTTP', 'PUBRIO_E_PROTOCOL', 'PUBRIO_E_RESPONSE_TOO_LARGE',
  'PUBRIO_E_WAIT_TIMEOUT', 'PUBRIO_E_CANCELLED', 'PUBRIO_E_CREDIT_BUDGET',
  'PUBRIO_E_JOURNAL',
];
const SUBMIT_STATES = [null, 'not_spent', 'uncertain', 'accepted'];

// The library's messages name its C calls ("resume with
// pubrio_redeem_people_batch_wait()") and the CLI's commands: a Node user
// is told the Node call instead. A C call without a Node twin keeps its
// name, without the parentheses of a call to make.
const NODE_CALLS = {
  pubrio_redeem_people_batch_wait: 'client.wait(redeemQueryId)',
  pubrio_redeem_people_batch_query: 'client.query(redeemQueryId)',
  pubrio_redeem_people_batch_and_wait: 'client.submitAndWait()',
  pubrio_redeem_people_batch: 'client.submit()',
  pubrio_redeem_person: 'client.redeemPerson()',
  pubrio_profile_get: 'client.profile()',
  pubrio_usage_get: 'client.usage()',
  pubrio_client_cancel: 'client.cancel()',
  pubrio_bulk_close: 'run.close()',
  pubrio_bulk_stop: 'run.close()',
  pubrio_bulk_uncollected: 'run.uncollected',
  pubrio_bulk_uncertain: 'run.uncertain',
  pubrio_bulk_drained: 'run.drained',
  pubrio_bulk_stats_get: 'run.stats()',
  pubrio_bulk_plan: 'run.stats()',
  pubrio_bulk_next: 'the run\'s loop',
  pubrio_bulk_next_event: 'the run\'s loop',
  pubrio_lookup_batch: 'client.lookup()',
  pubrio_lookup_person: 'client.lookupOne()',
  pubrio_lookup_request_plan: 'client.planLookup()',
};
const C_OPTIONS = { resubmit_uncertain: 'resubmitUncertain', max_credits: 'maxCredits', profile_id: 'profileId' };

/** `text` with the C calls, CLI commands and C option names it mentions
 * replaced by the Node calls and options to use. */
function nodeWords(text) {
  if (typeof text !== 'string') return text;
  return text
    .replace(/`?pubrio query (ID|\S+) --wait`?/g, (_, id) => `client.wait(${id === 'ID' ? 'redeemQueryId' : JSON.stringify(id)})`)
    .replace(/\b(pubrio_[a-z_]+)\(\)/g, (all, name) => NODE_CALLS[name] ?? name)
    .replace(/\b(pubrio_[a-z_]+)\b/g, (all, name) => NODE_CALLS[name] ?? name)
    .replace(/\b(resubmit_uncertain|max_credits|profile_id)\b/g, (name) => C_OPTIONS[name]);
}

class PubrioError extends Error {
  /**
   * @param {object} fields the decoded pubrio_error, or a plain object with
   *   `status` and `message` for errors the binding raises itself.
   */
  constructor(fields) {
    const statusValue = fields.status;
    const status = c.statusStr(statusValue);
    const text = nodeWords(fields.message) || status;
    super(text.startsWith(status) ? text : `${status}: ${text}`);
    this.name = new.target.name;
    this.code = CODES[statusValue] || `PUBRIO_STATUS_${statusValue}`;
    this.status = status;
    this.statusValue = statusValue;
    this.httpStatus = fields.http_status || null;
    this.apiCode = fields.api_code || null;
    this.apiMessage = fields.api_message || null;
    let details = null;
    try {
      details = fields.details_json ? JSON.parse(fields.details_json) : null;
    } catch {
      details = fields.details_json; // kept as text rather than lost
    }
    this.details = details;
    this.requestId = fields.request_id || null;
    this.retryAfterMs = fields.retry_after_ms >= 0 ? fields.retry_after_ms : null;
    this.attempts = fields.attempts || 0;
    this.submitState = SUBMIT_STATES[fields.submit_state] || null;
    this.redeemQueryId = fields.redeem_query_id || null;
    /** Bulk runs: the batches paid for and not handed out. */
    this.uncollected = [];
    /** Waits cut short (timeout, cancel): the last state seen, or null. */
    this.lastResult = null;
  }
}

const classes = {};
function define(name, statusValue) {
  const cls = { [name]: class extends PubrioError {} }[name];
  classes[statusValue] = cls;
  return cls;
}
const errors = {
  PubrioError,
  InvalidArgumentError: define('InvalidArgumentError', 1),
  OutOfMemoryError: define('OutOfMemoryError', 2),
  NoApiKeyError: define('NoApiKeyError', 3),
  TransportError: define('TransportError', 4),
  TimeoutError: define('TimeoutError', 5),
  TlsError: define('TlsError', 6),
  BadRequestError: define('BadRequestError', 7),
  UnauthorizedError: define('UnauthorizedError', 8),
  PaymentRequiredError: define('PaymentRequiredError', 9),
  RateLimitedError: define('RateLimitedError', 10),
  ServerError: define('ServerError', 11),
  HttpError: define('HttpError', 12),
  ProtocolError: define('ProtocolError', 13),
  ResponseTooLargeError: define('ResponseTooLargeError', 14),
  WaitTimeoutError: define('WaitTimeoutError', 15),
  CancelledError: define('CancelledError', 16),
  CreditBudgetError: define('CreditBudgetError', 17),
  JournalError: define('JournalError', 18),
};

/** The typed error for a decoded pubrio_error (or binding-made fields). */
function errorFrom(fields) {
  const cls = classes[fields.status] || PubrioError;
  return new cls(fields);
}

/** The error the library left in `errPtr` after a failed call; clears it. */
function takeError(errPtr) {
  const fields = koffi.decode(errPtr, types.ErrorStruct);
  const error = errorFrom(fields);
  c.errorClear(errPtr);
  return error;
}

/** A bad argument caught by the binding itself, before any C call. */
function invalidArgument(message) {
  return errorFrom({ status: 1, message, retry_after_ms: -1 });
}

module.exports = { ...errors, errorFrom, takeError, invalidArgument, nodeWords, CODES, SUBMIT_STATES };
