// The package's single calls against the fake server over real HTTP.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const pubrio = require('..');
const { startFakeServer, makeIds } = require('./fake_server');

const PERSON = '540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11';

// A fake server and a client on it for the length of `body`.
async function withServer(args, body) {
  const server = await startFakeServer(args);
  const client = new pubrio.Client({ apiKey: 'test-key', baseUrl: server.url });
  try {
    await body(client, server);
  } finally {
    client.close();
    await server.stop();
  }
}

test('submitAndWait returns the contacts, with one submit', () =>
  withServer(['--estimated-time', '0'], async (client, server) => {
    const result = await client.submitAndWait([PERSON], ['email-work', 'phone']);
    assert.strictEqual(result.query.isCompleted, true);
    assert.match(result.query.redeemQueryId, /^[0-9a-f-]{36}$/);
    assert.strictEqual(result.people.length, 1);
    const [person] = result.people;
    assert.strictEqual(person.peopleSearchId, PERSON);
    assert.deepStrictEqual(person.emails, [{ value: 'w.540574d1@work.example', type: 'email-work', status: 'Verified' }]);
    assert.strictEqual(person.phones.length, 1);
    assert.match(person.phones[0].value, /^\+\d+$/);
    assert.strictEqual(typeof result.credits.totalChargedCredit, 'number');
    const stats = await server.stats();
    assert.strictEqual(stats.requests['/redeem/people/batch'], 1);
    assert.strictEqual(stats.max_submits_per_person, 1);
  }));

test('submit, query and wait as three steps', () =>
  withServer(['--estimated-time', '0', '--complete-after-polls', '2'], async (client) => {
    const batch = await client.submit([PERSON], 'phone');
    assert.strictEqual(batch.isCompleted, false);
    assert.strictEqual(batch.estimatedTimeMs, 0);
    const first = await client.query(batch.redeemQueryId);
    assert.strictEqual(first.query.isCompleted, false);
    const done = await client.wait(batch.redeemQueryId, { minDelayMs: 10, maxDelayMs: 20 });
    assert.strictEqual(done.query.isCompleted, true);
    assert.deepStrictEqual(done.people.map((p) => p.peopleSearchId), [PERSON]);
    assert.deepStrictEqual(done.people[0].emails, []);
  }));

test('the event loop keeps ticking while a slow call runs', () =>
  withServer(['--estimated-time', '0', '--latency-ms', '600'], async (client) => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const started = Date.now();
    try {
      await client.submitAndWait([PERSON], ['phone']); // a submit and a poll: >= 1.2 s
    } finally {
      clearInterval(timer);
    }
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1100, `the call took ${elapsed} ms, not the server's latency`);
    // A blocked loop would tick at most once; a free one about elapsed/10.
    assert.ok(ticks >= elapsed / 10 / 3, `${ticks} ticks in ${elapsed} ms`);
  }));

test('a 400 is a typed error with the server\'s details', () =>
  withServer(['--estimated-time', '0'], async (client, server) => {
    const unknown = '00000000-0000-4000-8000-00000000abcd';
    await assert.rejects(client.query(unknown), (e) => {
      assert.ok(e instanceof pubrio.BadRequestError);
      assert.ok(e instanceof pubrio.PubrioError);
      assert.ok(e instanceof Error);
      assert.strictEqual(e.name, 'BadRequestError');
      assert.strictEqual(e.code, 'PUBRIO_E_BAD_REQUEST');
      assert.strictEqual(e.status, 'bad request');
      assert.strictEqual(e.httpStatus, 400);
      assert.strictEqual(e.apiCode, 40004);
      assert.strictEqual(e.apiMessage, 'redeem_query_id not found');
      assert.deepStrictEqual(e.details, { field: 'redeem_query_id' });
      assert.match(e.requestId, /^req-/);
      assert.strictEqual(e.submitState, null);
      return true;
    });
    // A refused submit says nothing was spent.
    await server.script({
      path: '/redeem/people/batch', status: 400,
      body: '{"code":40001,"message":"peoples is wrong","details":{"field":"peoples"}}',
    });
    await assert.rejects(client.submit([PERSON], ['phone']), (e) => {
      assert.ok(e instanceof pubrio.BadRequestError);
      assert.strictEqual(e.submitState, 'not_spent');
      assert.strictEqual(e.apiMessage, 'peoples is wrong');
      assert.strictEqual(e.attempts, 1);
      return true;
    });
  }));

test('a 401 is an UnauthorizedError and the key is not in it', async () => {
  const server = await startFakeServer();
  const client = new pubrio.Client({ apiKey: 'wrong-secret-key', baseUrl: server.url });
  try {
    await assert.rejects(client.submit([PERSON], ['phone']), (e) => {
      assert.ok(e instanceof pubrio.UnauthorizedError);
      assert.strictEqual(e.httpStatus, 401);
      assert.strictEqual(e.submitState, 'not_spent');
      assert.doesNotMatch(JSON.stringify({ ...e, message: e.message }), /wrong-secret-key/);
      return true;
    });
  } finally {
    client.close();
    await server.stop();
  }
});

test('bad input is rejected before anything is sent', () =>
  withServer([], async (client, server) => {
    await assert.rejects(client.submit([PERSON, 'not-an-id'], ['phone']), (e) => {
      assert.ok(e instanceof pubrio.InvalidArgumentError);
      assert.strictEqual(e.code, 'PUBRIO_E_INVALID_ARGUMENT');
      assert.match(e.message, /index 1 "not-an-id"/);
      return true;
    });
    await assert.rejects(client.submitAndWait([PERSON], ['fax']), pubrio.InvalidArgumentError);
    await assert.rejects(client.submit(PERSON, ['phone']), /not one string/);
    await assert.rejects(client.submit([], ['phone']), pubrio.InvalidArgumentError);
    await assert.rejects(client.query('1234'), pubrio.InvalidArgumentError);
    await assert.rejects(client.wait(PERSON, { timeoutMs: 0 }), pubrio.InvalidArgumentError);
    const run = client.redeem([...makeIds(10050), 'nope'], ['phone']); // two chunks
    await assert.rejects(async () => {
      for await (const person of run) assert.fail(`got ${person.peopleSearchId}`);
    }, /index 10050 "nope"/);
    assert.throws(() => client.redeem(makeIds(1), []), pubrio.InvalidArgumentError);
    assert.throws(() => new pubrio.Client({ apiKey: 'k', baseUrl: 'ftp://example.com' }), pubrio.InvalidArgumentError);
    const stats = await server.stats();
    assert.strictEqual(stats.total, 0, JSON.stringify(stats.requests));
  }));

test('an AbortSignal ends a wait early, and the client goes on', () =>
  withServer(['--estimated-time', '0', '--complete-after-ms', '600000'], async (client) => {
    const batch = await client.submit([PERSON], ['phone']);
    const controller = new AbortController();
    const reason = new Error('user gave up');
    setTimeout(() => controller.abort(reason), 300);
    const started = Date.now();
    await assert.rejects(
      client.wait(batch.redeemQueryId, { signal: controller.signal, minDelayMs: 5000, maxDelayMs: 5000 }),
      (e) => {
        assert.ok(e instanceof pubrio.CancelledError);
        assert.strictEqual(e.cause, reason);
        assert.strictEqual(e.lastResult.query.isCompleted, false);
        return true;
      });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 2000, `the wait ended ${elapsed} ms later, not at once`);
    // The cancel was reset: the next call runs.
    const again = await client.query(batch.redeemQueryId);
    assert.strictEqual(again.query.redeemQueryId, batch.redeemQueryId);
    // An aborted signal stops a call before it starts.
    await assert.rejects(client.query(batch.redeemQueryId, { signal: AbortSignal.abort() }), pubrio.CancelledError);
  }));

test('a wait past its deadline is a WaitTimeoutError with the last state', () =>
  withServer(['--estimated-time', '0', '--complete-after-ms', '600000'], async (client) => {
    const batch = await client.submit([PERSON], ['phone']);
    await assert.rejects(client.wait(batch.redeemQueryId, { timeoutMs: 300, minDelayMs: 50, maxDelayMs: 100 }), (e) => {
      assert.ok(e instanceof pubrio.WaitTimeoutError);
      assert.strictEqual(e.lastResult.query.redeemQueryId, batch.redeemQueryId);
      return true;
    });
  }));

test('calls on one client queue instead of overlapping', () =>
  withServer(['--estimated-time', '0', '--latency-ms', '50'], async (client, server) => {
    const results = await Promise.all(makeIds(5).map((id) => client.submitAndWait([id], ['phone'])));
    assert.deepStrictEqual(results.map((r) => r.people[0].peopleSearchId), makeIds(5));
    assert.strictEqual((await server.stats()).max_concurrent, 1);
  }));

test('close() frees; later calls are refused', () =>
  withServer([], async (client) => {
    client.close();
    client.close();
    await assert.rejects(client.query(PERSON), /closed/);
  }));

test('no key anywhere is a NoApiKeyError; a key with a line break is refused', () => {
  const saved = process.env.PUBRIO_API_KEY;
  delete process.env.PUBRIO_API_KEY;
  try {
    assert.throws(() => new pubrio.Client(), (e) => e instanceof pubrio.NoApiKeyError && e.code === 'PUBRIO_E_NO_API_KEY');
  } finally {
    if (saved !== undefined) process.env.PUBRIO_API_KEY = saved;
  }
  assert.throws(() => new pubrio.Client({ apiKey: 'secret\nkey' }), (e) => {
    assert.ok(e instanceof pubrio.InvalidArgumentError);
    assert.doesNotMatch(e.message, /secret/);
    return true;
  });
});

test('the library version', () => {
  assert.match(pubrio.libraryVersion(), /^\d+\.\d+\.\d+$/);
});

test('index.d.ts declares every runtime export, and nothing else', () => {
  const fs = require('node:fs');
  const path = require('node:path');
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const declared = [...dts.matchAll(/^export (?:declare )?(?:class|function|const) (\w+)/gm)].map((m) => m[1]);
  assert.deepStrictEqual(declared.sort(), Object.keys(pubrio).sort());
});
