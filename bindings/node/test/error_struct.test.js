// libpubrio from Node through koffi, written as a Node user would: the
// error struct is an _Inout_ parameter, so koffi copies it into C memory
// (its strings as fresh C strings) before each call and back into a JS
// object after. The library must never free those string pointers; it keeps
// its own behind `reserved`, which the copy carries unchanged.
// Needs PUBRIO_LIBRARY (the shared library) and PUBRIO_FAKE_SERVER.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const readline = require('node:readline');
const koffi = require('koffi');

const lib = koffi.load(process.env.PUBRIO_LIBRARY);
const PubrioError = koffi.struct('pubrio_error', {
  status: 'int',
  attempts: 'int',
  http_status: 'long',
  api_code: 'int64_t',
  retry_after_ms: 'int64_t',
  message: 'const char *',
  api_message: 'const char *',
  details_json: 'const char *',
  request_id: 'const char *',
  redeem_query_id: 'const char *',
  submit_state: 'int',
  reserved: koffi.array('void *', 6),
});
const clientNew = lib.func('int pubrio_client_new(_Out_ void **out, const char *key, _Inout_ pubrio_error *err)');
const clientFree = lib.func('void pubrio_client_free(void *client)');
const setBaseUrl = lib.func('int pubrio_client_set_base_url(void *client, const char *url, _Inout_ pubrio_error *err)');
const requestNew = lib.func('int pubrio_batch_request_new(_Out_ void **out, _Inout_ pubrio_error *err)');
const requestFree = lib.func('void pubrio_batch_request_free(void *request)');
const addPerson = lib.func('int pubrio_batch_request_add_person(void *request, const char *id, _Inout_ pubrio_error *err)');
const addTypes = lib.func('int pubrio_batch_request_add_contact_types(void *request, unsigned int types, _Inout_ pubrio_error *err)');
const submit = lib.func('int pubrio_redeem_people_batch(void *client, void *request, _Out_ void **out, _Inout_ pubrio_error *err)');
const errorClear = lib.func('void pubrio_error_clear(_Inout_ pubrio_error *err)');

const PUBRIO_E_INVALID_ARGUMENT = 1;
const PUBRIO_E_UNAUTHORIZED = 8;
const PUBRIO_SUBMIT_NOT_SPENT = 1;

async function startFakeServer() {
  const proc = spawn(process.env.PUBRIO_FAKE_SERVER, [], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: proc.stdout });
  const url = await new Promise((resolve) => lines.once('line', resolve));
  return { proc, url };
}

test('one error object over many failing calls', () => {
  const err = {};
  for (let i = 0; i < 5; i++) {
    assert.strictEqual(addPerson(null, 'not-an-id', err), PUBRIO_E_INVALID_ARGUMENT);
    assert.match(err.message, /request is NULL/);
  }
  errorClear(err);
  assert.strictEqual(err.message, null);
});

test('HTTP errors from the fake server, struct copied each time', async () => {
  const { proc, url } = await startFakeServer();
  try {
    const err = {};
    const client = [null];
    assert.strictEqual(clientNew(client, 'wrong-key', err), 0);
    assert.strictEqual(setBaseUrl(client[0], url, err), 0);
    const request = [null];
    assert.strictEqual(requestNew(request, err), 0);
    assert.strictEqual(addPerson(request[0], '540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11', err), 0);
    assert.strictEqual(addTypes(request[0], 4, err), 0);
    for (let i = 0; i < 3; i++) {
      const job = [null];
      const status = await new Promise((resolve, reject) =>
        submit.async(client[0], request[0], job, err, (e, r) => (e ? reject(e) : resolve(r))));
      assert.strictEqual(status, PUBRIO_E_UNAUTHORIZED);
      assert.strictEqual(err.http_status, 401);
      assert.strictEqual(err.api_message, 'Invalid API key');
      assert.strictEqual(err.submit_state, PUBRIO_SUBMIT_NOT_SPENT);
      assert.doesNotMatch(err.message, /wrong-key/);
    }
    errorClear(err);
    requestFree(request[0]);
    clientFree(client[0]);
  } finally {
    proc.kill('SIGTERM');
  }
});
