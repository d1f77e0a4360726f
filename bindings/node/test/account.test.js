// client.profile(), client.usage(), the logger hook, and errors that name
// the Node call to make (never a C function), against the fake server over
// real HTTP.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const pubrio = require('..');
const { startFakeServer } = require('./fake_server');

const PERSON = '540574d1-5a4b-4c8e-9b0a-8f3e2f1d7c11';

async function withServer(args, options, body) {
  const server = await startFakeServer(args);
  const client = new pubrio.Client({ apiKey: 'test-key', baseUrl: server.url, ...options });
  try {
    await body(client, server);
  } finally {
    client.close();
    await server.stop();
  }
}

// A logger that keeps every line, by level.
function recorder() {
  const lines = [];
  const logger = {};
  for (const level of ['error', 'warn', 'info', 'debug']) logger[level] = (message) => lines.push([level, message]);
  return { logger, lines };
}

test('profile() reads the balance, prices and plan', () =>
  withServer(['--email-price', '3', '--phone-price', '5', '--credit', '1234', '--plan-name', 'Growth', '--quota', '2400/h', '--quota', '57600/day'], {},
    async (client, server) => {
      const profile = await client.profile();
      assert.deepStrictEqual(profile, {
        profileId: profile.profileId,
        credit: 1234,
        topupCredit: profile.topupCredit,
        planName: 'Growth',
        emailPrice: 3,
        phonePrice: 5,
        maxHourlyRequests: 2400,
        maxDailyRequests: 57600,
        maxMonthlyRequests: 0,
        apiAccess: true,
      });
      assert.strictEqual((await server.stats()).requests['/profile'], 1);
      await assert.rejects(client.profile({ profileId: 1.5 }), pubrio.InvalidArgumentError);
    }));

test('usage() reads the quotas used and allowed', () =>
  withServer(['--quota', '2400/h', '--quota', '57600/day'], {}, async (client) => {
    const before = await client.usage();
    await client.query('00000000-0000-4000-8000-000000000001').catch(() => {});
    const after = await client.usage();
    assert.strictEqual(before.hourlyAllowed, 2400);
    assert.strictEqual(before.dailyAllowed, 57600);
    assert.strictEqual(before.monthlyAllowed, 0, 'no monthly quota');
    assert.ok(after.hourlyUsed > before.hourlyUsed, `the quota counts requests (${before.hourlyUsed} -> ${after.hourlyUsed})`);
    assert.strictEqual(after.lastRefreshed, '2026-11-13T10:01:13.051Z');
    assert.strictEqual(after.apiAccess, true);
  }));

test('the logger receives a line a request at "info", none at "error", never the key', async () => {
  const info = recorder();
  await withServer(['--estimated-time', '0'], { apiKey: 'test-key', logger: info.logger, logLevel: 'info' }, async (client) => {
    await client.submitAndWait([PERSON], ['phone']);
    await client.profile();
  });
  const text = info.lines.map(([, m]) => m).join('\n');
  assert.ok(info.lines.length >= 3, `one line a request at least:\n${text}`);
  assert.ok(info.lines.every(([level, m]) => ['info', 'warn', 'error'].includes(level) && m.startsWith('pubrio: ')), text);
  assert.match(text, /\/redeem\/people\/batch/);
  assert.match(text, /\/profile/);
  assert.doesNotMatch(text, /test-key/);

  const quiet = recorder();
  await withServer(['--estimated-time', '0'], { logger: quiet.logger, logLevel: 'error' }, async (client) => {
    await client.submitAndWait([PERSON], ['phone']);
  });
  assert.deepStrictEqual(quiet.lines, []);

  assert.throws(() => new pubrio.Client({ apiKey: 'k', logger: console, logLevel: 'loud' }), pubrio.InvalidArgumentError);
  assert.throws(() => new pubrio.Client({ apiKey: 'k', logger: { error() {} }, logLevel: 'info' }), /no warn, info method/);
  assert.throws(() => new pubrio.Client({ apiKey: 'k', logLevel: 'info' }), /needs a logger/);
});

test('a logger that throws does not break the call', () =>
  withServer(['--estimated-time', '0'], { logger: { error() { throw new Error('x'); }, warn() { throw new Error('x'); }, info() { throw new Error('x'); }, debug() {} }, logLevel: 'info' },
    async (client) => {
      const result = await client.submitAndWait([PERSON], ['phone']);
      assert.strictEqual(result.people.length, 1);
    }));

test('a wait that fails after a paid submit names client.wait(), not a C function', () =>
  withServer(['--estimated-time', '0', '--complete-after-ms', '600000'], {}, async (client) => {
    await assert.rejects(client.submitAndWait([PERSON], ['phone'], { timeoutMs: 300, minDelayMs: 50, maxDelayMs: 100 }), (e) => {
      assert.ok(e instanceof pubrio.WaitTimeoutError, e.message);
      assert.strictEqual(e.submitState, 'accepted');
      assert.match(e.message, /resume with client\.wait\(redeemQueryId\)/);
      assert.doesNotMatch(e.message, /pubrio_[a-z_]+/);
      assert.match(e.redeemQueryId, /^[0-9a-f-]{36}$/);
      return true;
    });
  }));

test('cancel() stops the call in flight; the next call runs', () =>
  withServer(['--estimated-time', '0', '--complete-after-ms', '600000'], {}, async (client) => {
    const batch = await client.submit([PERSON], ['phone']);
    const waiting = client.wait(batch.redeemQueryId, { minDelayMs: 50, maxDelayMs: 100 });
    setTimeout(() => client.cancel(), 100);
    await assert.rejects(waiting, pubrio.CancelledError);
    const again = await client.query(batch.redeemQueryId);
    assert.strictEqual(again.query.redeemQueryId, batch.redeemQueryId);
  }));

test('the library\'s C names become the Node calls in any message', () => {
  const { nodeWords } = require('../lib/errors');
  assert.strictEqual(nodeWords('resume with pubrio_redeem_people_batch_wait(): x'), 'resume with client.wait(redeemQueryId): x');
  assert.strictEqual(nodeWords('collect them with `pubrio query ID --wait`'), 'collect them with client.wait(redeemQueryId)');
  assert.strictEqual(nodeWords('rerun with resubmit_uncertain set'), 'rerun with resubmitUncertain set');
});
