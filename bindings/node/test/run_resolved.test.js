// Lookup entries a bulk run resolved (paid, 1 credit each) and did not hand
// out, named once the run is left (run.resolved, the warning), over real
// HTTP to the fake server's directory (tests/fake_server/fake_lookup.c).
// A rate of 3 requests a minute lets the account reads and the lookup
// request through and holds the purchase: King and John are resolved and
// never bought.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const v8 = require('node:v8');
const vm = require('node:vm');
const pubrio = require('..');
const { startFakeServer } = require('./fake_server');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const BATCH = '/redeem/people/contact/lookup/batch';
const SUBMIT = '/redeem/people/batch';
const KING = 'e37ccf38-ea8f-422e-9874-cb23b15e8fe4';
const JOHN = '1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b';
const JANE_URL = 'https://www.linkedin.com/in/jane-doe';
const HELD = { minDelayMs: 20, maxDelayMs: 50, requestsPerMinute: 3 };
const ENTRIES = [
  { email: 'king.lai@pubrio.com' }, // 0 King
  { email: 'missing.person@people.example' }, // 1 a miss
  { phone: '+1 (555) 010-0002' }, // 2 John
  { firstName: 'Ann', lastName: 'Lee', company: 'Acme Inc' }, // 3 needs similarity
];
const RESOLVED = [
  { index: 0, entry: ENTRIES[0], peopleSearchId: KING, confidence: 'exact' },
  { index: 2, entry: ENTRIES[2], peopleSearchId: JOHN, confidence: 'exact' },
];

async function withServer(body) {
  const server = await startFakeServer(['--estimated-time', '0']);
  const client = new pubrio.Client({ apiKey: 'test-key', baseUrl: server.url });
  try {
    return await body(client, server);
  } finally {
    client.close();
    await server.stop();
  }
}

// The leftover warnings emitted while `body` runs.
async function catchingWarnings(body) {
  const warnings = [];
  const onWarning = (w) => {
    if (w.name === 'PubrioLeftoverWarning') warnings.push(w);
  };
  process.on('warning', onWarning);
  try {
    await body();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.removeListener('warning', onWarning);
  }
  return warnings;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

// Waits (bounded) until the run answered the miss and the name.
async function untilAnswered(run) {
  for (let i = 0; i < 500 && run.lookupsNotFound.length < 2; i++) await tick();
  assert.deepStrictEqual(run.lookupsNotFound.map((a) => a.index).sort(), [1, 3]);
}

async function assertPaidOnceBoughtNone(server) {
  const seen = (await server.stats()).requests;
  assert.deepStrictEqual([seen[BATCH] ?? 0, seen[SUBMIT] ?? 0], [1, 0], 'looked up once, nobody bought');
}

test('a close names the lookup entries it resolved and did not hand out', () =>
  withServer(async (client, server) => {
    const run = client.redeem([], 'phone', { lookups: ENTRIES, ...HELD });
    const iterator = run[Symbol.asyncIterator]();
    const pending = iterator.next();
    await untilAnswered(run);
    assert.deepStrictEqual(run.resolved, [], 'known once the run is left');
    const warnings = await catchingWarnings(async () => {
      assert.deepStrictEqual(await run.close(), []);
    });
    assert.deepStrictEqual((await pending).done, true);
    assert.deepStrictEqual(run.resolved, RESOLVED);
    assert.deepStrictEqual(run.lookupsFailed, []);
    assert.deepStrictEqual(run.drained, []);
    assert.strictEqual(warnings.length, 1);
    assert.match(warnings[0].message, /2 lookup entries resolved \(paid\)/);
    assert.match(warnings[0].message, /run\.resolved/);
    const stats = await run.stats();
    assert.deepStrictEqual([stats.lookupsFound, stats.lookupsToSend], [2, 0]);
    run.resolved[0].peopleSearchId = 'changed';
    assert.strictEqual(run.resolved[0].peopleSearchId, KING, 'a copy each time');
    await assertPaidOnceBoughtNone(server);
  }));

test('a break keeps them on the run', () =>
  withServer(async (client, server) => {
    // The account reads, the lookup and Jane's URL pass the rate of 4; the
    // purchase of King and John is held. The loop takes Jane and breaks.
    const run = client.redeem([], 'phone', { lookups: ENTRIES, linkedinUrls: [JANE_URL], ...HELD, requestsPerMinute: 4 });
    const warnings = await catchingWarnings(async () => {
      for await (const person of run) {
        assert.ok(person.linkedinUrl);
        break;
      }
    });
    assert.deepStrictEqual(run.resolved, RESOLVED);
    assert.strictEqual(warnings.length, 1);
    await assertPaidOnceBoughtNone(server);
  }));

test('a run dropped mid-loop names the lookup entries it resolved in its warning', () =>
  withServer(async (client, server) => {
    // The account reads, the lookup and Jane's URL pass the rate of 4; the
    // purchase of King and John is held. The loop takes Jane and is dropped.
    const warnings = await catchingWarnings(async () => {
      await (async () => {
        const options = { lookups: ENTRIES, linkedinUrls: [JANE_URL], ...HELD, requestsPerMinute: 4 };
        const iterator = client.redeem([], 'phone', options)[Symbol.asyncIterator]();
        assert.ok((await iterator.next()).value.linkedinUrl);
      })();
      for (let i = 0; i < 50 && client._pending !== 0; i++) {
        gc();
        await tick();
      }
    });
    assert.strictEqual(client._pending, 0, 'the dropped run was closed and freed');
    assert.strictEqual(warnings.length, 1);
    const text = warnings[0].message;
    assert.match(text, /a run dropped/);
    assert.match(text, /2 lookup entries resolved \(paid\)/);
    assert.ok(text.includes(`entry 0: ${KING}, entry 2: ${JOHN}`), text);
    await assertPaidOnceBoughtNone(server);
  }));
