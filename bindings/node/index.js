// pubrio: Node binding of libpubrio, the C client for Pubrio's batch redeem
// API. See index.d.ts for the API and README.md (the repository's) for use.
'use strict';
const { c } = require('./lib/ffi');
const { Client } = require('./lib/client');
const { BulkRun } = require('./lib/bulk');
const errors = require('./lib/errors');

/** The version of the libpubrio actually loaded. */
function libraryVersion() {
  return c.version();
}

module.exports = {
  Client,
  BulkRun,
  libraryVersion,
  PubrioError: errors.PubrioError,
  InvalidArgumentError: errors.InvalidArgumentError,
  OutOfMemoryError: errors.OutOfMemoryError,
  NoApiKeyError: errors.NoApiKeyError,
  TransportError: errors.TransportError,
  TimeoutError: errors.TimeoutError,
  TlsError: errors.TlsError,
  BadRequestError: errors.BadRequestError,
  UnauthorizedError: errors.UnauthorizedError,
  PaymentRequiredError: errors.PaymentRequiredError,
  RateLimitedError: errors.RateLimitedError,
  ServerError: errors.ServerError,
  HttpError: errors.HttpError,
  ProtocolError: errors.ProtocolError,
  ResponseTooLargeError: errors.ResponseTooLargeError,
  WaitTimeoutError: errors.WaitTimeoutError,
  CancelledError: errors.CancelledError,
  CreditBudgetError: errors.CreditBudgetError,
  JournalError: errors.JournalError,
};
