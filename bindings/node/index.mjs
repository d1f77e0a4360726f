// The ES module entry of `pubrio`: the CommonJS package (index.js) with each
// of its exports named, so `import { CancelledError } from 'pubrio'` works.
// One instance: `instanceof` holds whichever way an error was imported.
// test/exports.test.mjs checks this list against index.js and index.d.ts.
// Loaded with require() rather than `import ... from './index.js'`: Node 20
// reports a failed load (no libpubrio) through the latter a second time,
// as an uncaught exception, even when the importer catches it.
import { createRequire } from 'node:module';

const pubrio = createRequire(import.meta.url)('./index.js');

export const {
  Client,
  BulkRun,
  libraryVersion,
  PubrioError,
  InvalidArgumentError,
  OutOfMemoryError,
  NoApiKeyError,
  TransportError,
  TimeoutError,
  TlsError,
  BadRequestError,
  UnauthorizedError,
  PaymentRequiredError,
  RateLimitedError,
  ServerError,
  HttpError,
  ProtocolError,
  ResponseTooLargeError,
  WaitTimeoutError,
  CancelledError,
  CreditBudgetError,
  JournalError,
} = pubrio;
export default pubrio;
