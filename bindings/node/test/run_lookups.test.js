// Lookup entries in a bulk run (client.redeem(ids, types, { lookups })),
// over real HTTP to the fake server's directory
// (tests/fake_server/fake_lookup.c): ids and entries in one run, each
// person bought once however many identifiers name them, what was paid
// read from /_fake/stats; a miss and an entry needing similarity answered
// on the run; a rerun on the journal asks no lookup again; a failed lookup
// named with its entry; bad entries rejected before anything is sent.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const pubrio = require('..');
const { startFakeServer } = require('./fake_server');

const BATCH = '/redeem/people/contact/lookup/batch';
const SUBMIT = '/redeem/people/batch';
const KING = 'e37ccf38-ea8f-422e-9874-cb23b15e8fe4';
const JOHN = '1c4f0a9d-9a8e-4ab0-9b07-2cd09c4a3a6b';
const ANN = '3e6f2c1f-1ca0-4cd2-9d29-4ef2b5c5c8d8';
const FAST = { minDelayMs: 20, maxDelayMs: 50, timeoutMs: 30000 };
const ANN_AT_ACME = { firstName: 'Ann', lastName: 'Lee', company: 'Acme Inc' };

async function withServer(body) {
  const server = await startFakeServer(['--estimated-time', '0']);
  const client = new pubrio.Client({ apiKey: 'test-key', baseUrl: server.url });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pubrio-run-lookups-'));
  try {
    return await body(client, server, path.join(dir, 'run.journal'));
  } finally {
    client.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const sent = async (server, p) => (await server.stats()).requests[p] ?? 0;
const credit = async (server) => (await server.stats()).credit;

async function drain(run) {
  const people = [];
  for await (const person of run) people.push(person);
  return people;
}

const byEntry = (people) => people.filter((p) => p.lookupEntry !== undefined)
  .map((p) => [p.lookupEntry, p.peopleSearchId, p.lookupConfidence])
  .sort((a, b) => a[0] - b[0]);
const misses = (list) => list.map((a) => [a.index, a.outcome]).sort((a, b) => a[0] - b[0]);

test('ids and lookup entries in one run: each person bought once; a rerun asks no lookup', () =>
  withServer(async (client, server, journal) => {
    const entries = [
      { email: 'king.lai@pubrio.com' }, // 0 King
      { phone: '+1 (555) 010-0002' }, // 1 John, also by id
      { email: 'missing.person@people.example' }, // 2 a miss
      { email: ' KING.LAI@pubrio.com' }, // 3 King again
      ANN_AT_ACME, // 4 needs similarity
      { phone: '+15550100001' }, // 5 King's phone
    ];
    const before = await credit(server);
    const run = client.redeem([JOHN], 'phone', { ...FAST, journal, lookups: entries.values() });
    const people = await drain(run);
    assert.deepStrictEqual(byEntry(people), [[0, KING, 'exact'], [1, JOHN, 'exact'], [3, KING, 'exact'], [5, KING, 'exact']]);
    for (const p of people) {
      if (p.lookupEntry !== undefined) assert.deepStrictEqual(p.lookup, entries[p.lookupEntry]);
    }
    assert.deepStrictEqual(run.lookups, entries);
    const kings = people.filter((p) => p.peopleSearchId === KING);
    assert.ok(kings[0].phones.length > 0);
    assert.ok(kings.every((p) => assert.deepStrictEqual(p.phones, kings[0].phones) === undefined));
    assert.deepStrictEqual(people.filter((p) => p.lookupEntry === undefined).map((p) => p.peopleSearchId), [JOHN]);
    assert.deepStrictEqual(misses(run.lookupsNotFound), [[2, 'not_found'], [4, 'not_looked_up']]);
    const notLookedUp = run.lookupsNotFound.find((a) => a.index === 4);
    assert.deepStrictEqual(notLookedUp.entry, ANN_AT_ACME);
    assert.match(notLookedUp.reason, /similarity/);
    assert.deepStrictEqual(run.lookupsFailed, []);
    assert.deepStrictEqual(run.notFound, []);
    const seen = await server.stats();
    assert.strictEqual(seen.requests[BATCH], 1);
    assert.strictEqual(seen.requests[SUBMIT], 1);
    assert.deepStrictEqual(JSON.parse(seen.last_submit_body).peoples, [JOHN, KING]);
    assert.strictEqual(seen.max_submits_per_person, 1);
    // King and John looked up (1 each; King's phone in the same request is
    // a duplicate, free), King's phone bought (John has none).
    assert.strictEqual(before - seen.credit, 3);
    assert.strictEqual((await run.stats()).creditsCharged, 3);

    // The rerun on the journal: every entry answered again, nothing sent
    // for lookups or purchases, nothing spent.
    const rerun = client.redeem([JOHN], 'phone', { ...FAST, journal, lookups: entries });
    const again = await drain(rerun);
    assert.deepStrictEqual(byEntry(again).map(([i, id]) => [i, id]), [[0, KING], [1, JOHN], [3, KING], [5, KING]]);
    assert.deepStrictEqual(misses(rerun.lookupsNotFound), [[2, 'not_found'], [4, 'not_looked_up']]);
    assert.strictEqual(await sent(server, BATCH), 1);
    assert.strictEqual(await sent(server, SUBMIT), 1);
    assert.strictEqual(await credit(server), seen.credit);
  }));

test('similarity off refuses a name-only entry; on resolves it', () =>
  withServer(async (client, server) => {
    const off = client.redeem([], 'phone', { ...FAST, lookups: [ANN_AT_ACME] });
    assert.deepStrictEqual(await drain(off), []);
    assert.deepStrictEqual(misses(off.lookupsNotFound), [[0, 'not_looked_up']]);
    assert.strictEqual((await server.stats()).total, 0);
    const on = client.redeem([], 'phone', { ...FAST, lookups: [ANN_AT_ACME], similar: true, lookupBatchSize: 1 });
    const people = await drain(on);
    assert.deepStrictEqual(people.map((p) => [p.peopleSearchId, p.lookupEntry, p.lookupConfidence]), [[ANN, 0, 'similarity_company']]);
    assert.deepStrictEqual(on.lookupsNotFound, []);
    assert.strictEqual(await sent(server, BATCH), 1);
    assert.strictEqual((await server.stats()).people_submitted, 1);
  }));

test('a failed lookup is named with its entry; the run rejects', () =>
  withServer(async (client, server) => {
    // The fake answers a match naming an input nobody sent: the request
    // fails (never guessed onto an entry), Ann's match in it is bought,
    // Bob's request never leaves.
    const lookups = [{ email: 'unmappable.one@people.example' }, { email: 'ann@acme.io' }, { email: 'bob@acme.io' }];
    const run = client.redeem([], 'phone', { ...FAST, lookups, lookupBatchSize: 2 });
    const people = [];
    await assert.rejects(async () => {
      for await (const person of run) people.push(person);
    }, pubrio.ProtocolError);
    people.push(...run.drained);
    assert.deepStrictEqual(people.map((p) => [p.peopleSearchId, p.lookupEntry]), [[ANN, 1]]);
    assert.deepStrictEqual(run.lookupsFailed.map((a) => [a.index, a.outcome, a.code]),
      [[0, 'failed', 'PUBRIO_E_PROTOCOL'], [2, 'failed', 'PUBRIO_E_CANCELLED']]);
    assert.deepStrictEqual(run.lookupsFailed[0].entry, lookups[0]);
    assert.match(run.lookupsFailed[1].reason, /nothing spent/);
    assert.strictEqual(await sent(server, BATCH), 1);
  }));

test('bad lookup entries reject before anything is sent', () =>
  withServer(async (client, server) => {
    await assert.rejects(drain(client.redeem([], 'phone', { lookups: [{ email: 'ann@acme.io' }, { email: 'no-at-sign' }] })),
      (e) => e instanceof pubrio.InvalidArgumentError && /lookup entry 1/.test(e.message));
    assert.throws(() => client.redeem([], 'phone', { lookups: 'ann@acme.io' }), pubrio.InvalidArgumentError);
    assert.throws(() => client.redeem([], 'phone', { lookups: [{ mail: 'ann@acme.io' }] }), /unknown field "mail"/);
    await assert.rejects(drain(client.redeem([], 'phone', { lookups: [{ email: 'a@b.io' }], similar: 'yes' })),
      pubrio.InvalidArgumentError);
    await assert.rejects(drain(client.redeem([], 'phone', { lookups: [{ email: 'a@b.io' }], lookupBatchSize: 0 })),
      pubrio.InvalidArgumentError);
    assert.strictEqual((await server.stats()).total, 0);
  }));

test("the README's run-lookups example runs as written", () =>
  withServer(async (_client, server, journal) => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const block = /<!-- node run lookups example: begin -->\n```js\n([\s\S]*?)```\n<!-- node run lookups example: end -->/.exec(readme);
    assert.ok(block, 'the README has the run-lookups example');
    assert.ok(block[1].split('\n').filter((l) => l.trim()).length <= 10);
    // Run as a user would, in a folder of its own (its journal there),
    // the package imported from this folder.
    const dir = path.dirname(journal);
    const file = path.join(dir, 'run-lookups.mjs');
    const main = JSON.stringify(require.resolve('..'));
    fs.writeFileSync(file, block[1].replace("from 'pubrio'", `from ${main}`));
    const { execFileSync } = require('node:child_process');
    const out = execFileSync(process.execPath, [file], {
      cwd: dir,
      env: { ...process.env, PUBRIO_BASE_URL: server.url, PUBRIO_API_KEY: 'test-key' },
      encoding: 'utf8',
    });
    assert.deepStrictEqual(out.trim().split('\n').sort(), [`0 exact ${KING} 1`, '1 not_found', `2 similarity_company ${ANN} 1`]);
    assert.ok(fs.existsSync(path.join(dir, 'crm.journal')));
  }));
