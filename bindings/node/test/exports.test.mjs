// import from 'pubrio' (an ES module importer, through the package's
// `exports` map): each name index.d.ts declares as a value imports by name
// (a missing one fails this file at link time, as it failed users), the
// namespace has exactly those names, and they are the very objects
// require() gives (one copy of each class: instanceof holds across both).
import test from 'node:test';
import assert from 'node:assert';
import { createRequire } from 'node:module';
import * as namespace from 'pubrio';
import pubrioDefault, {
  Client, BulkRun, libraryVersion, PubrioError, InvalidArgumentError,
  OutOfMemoryError, NoApiKeyError, TransportError, TimeoutError, TlsError,
  BadRequestError, UnauthorizedError, PaymentRequiredError, RateLimitedError,
  ServerError, HttpError, ProtocolError, ResponseTooLargeError,
  WaitTimeoutError, CancelledError, CreditBudgetError, JournalError,
} from 'pubrio';

const require = createRequire(import.meta.url);
const { declaredValues } = require('./exports_names.cjs');
const imported = {
  Client, BulkRun, libraryVersion, PubrioError, InvalidArgumentError,
  OutOfMemoryError, NoApiKeyError, TransportError, TimeoutError, TlsError,
  BadRequestError, UnauthorizedError, PaymentRequiredError, RateLimitedError,
  ServerError, HttpError, ProtocolError, ResponseTooLargeError,
  WaitTimeoutError, CancelledError, CreditBudgetError, JournalError,
};

test('import { ... } gives every value index.d.ts declares, the same objects as require()', () => {
  const declared = declaredValues();
  assert.deepStrictEqual(Object.keys(imported).sort(), declared);
  assert.deepStrictEqual(Object.keys(namespace).filter((n) => n !== 'default').sort(), declared);
  const required = require('pubrio');
  assert.strictEqual(pubrioDefault, required);
  for (const name of declared) {
    assert.strictEqual(typeof imported[name], 'function', name);
    assert.strictEqual(imported[name], required[name], `${name} is one object under ESM and CommonJS`);
  }
  assert.ok(new CancelledError({ status: 16, message: 'x' }) instanceof required.PubrioError);
  assert.strictEqual(typeof libraryVersion(), 'string');
});
