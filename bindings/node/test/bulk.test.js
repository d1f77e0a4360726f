// client.redeem(): the bulk engine as an async iterator, against the fake
// server over real HTTP.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const pubrio = require('..');
const { startFakeServer, makeIds } = require('./fake_server');

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

test('a bulk run over 250 people yields each one once', () =>
  withServer(['--estimated-time', '0'], async (client, server) => {
    const ids = makeIds(250);
    const run = client.redeem([...ids, ids[7]], ['email-work', 'phone']);
    const plan = await run.stats(); // a dry run: nothing sent yet
    assert.strictEqual(plan.people, 250);
    assert.strictEqual(plan.duplicates, 1);
    assert.strictEqual(plan.batches, 3);
    assert.strictEqual((await server.stats()).total, 0);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const seen = new Map();
    try {
      for await (const person of run) {
        seen.set(person.peopleSearchId, (seen.get(person.peopleSearchId) ?? 0) + 1);
        // The fake server gives some people nothing to unlock.
        if (person.emails.length) {
          assert.deepStrictEqual(person.emails.map((e) => e.value), [`w.${person.peopleSearchId.slice(0, 8)}@work.example`]);
          assert.strictEqual(person.phones.length, 1);
        }
      }
    } finally {
      clearInterval(timer);
    }
    assert.strictEqual(seen.size, 250);
    assert.deepStrictEqual([...seen.keys()].sort(), ids);
    assert.ok([...seen.values()].every((n) => n === 1));
    assert.deepStrictEqual(run.uncollected, []);
    assert.ok(ticks > 0, 'the loop ran timers during the run');
    const after = await run.stats();
    assert.strictEqual(after.peopleCollected, 250);
    assert.strictEqual(after.batchesCollected, 3);
    const stats = await server.stats();
    assert.strictEqual(stats.people_submitted, 250);
    assert.strictEqual(stats.max_submits_per_person, 1);
  }));

test('leaving the loop early keeps the people collected and names the paid, uncollected batches', () =>
  // A 1-second estimate: every submit is accepted before the first poll.
  withServer(['--estimated-time', '1'], async (client, server) => {
    const ids = makeIds(250);
    const run = client.redeem(ids, ['phone']);
    const yielded = [];
    for await (const person of run) {
      yielded.push(person.peopleSearchId);
      break;
    }
    assert.strictEqual(yielded.length, 1);
    // The rest of the batch being handed out was kept by the close.
    assert.ok(run.drained.length >= 1, 'the batch being handed out is kept');
    const left = run.uncollected;
    for (const batch of left) {
      assert.match(batch.redeemQueryId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      assert.strictEqual(batch.people.length, batch.peopleCount);
    }
    // Collect them as a user would: with the ids, never a second submit.
    const collected = [...yielded, ...run.drained.map((p) => p.peopleSearchId)];
    for (const batch of left) {
      const result = await client.wait(batch.redeemQueryId);
      const people = result.people.map((p) => p.peopleSearchId);
      assert.deepStrictEqual(people.slice().sort(), batch.people.slice().sort());
      collected.push(...people);
    }
    assert.deepStrictEqual(collected.sort(), ids, 'everybody paid for is reachable, once');
    const stats = await server.stats();
    assert.strictEqual(stats.people_submitted, 250);
    assert.strictEqual(stats.max_submits_per_person, 1);
  }));

test('an AbortSignal stops a run with the paid batches named', () =>
  withServer(['--estimated-time', '0', '--complete-after-ms', '600000'], async (client) => {
    const controller = new AbortController();
    const run = client.redeem(makeIds(250), ['phone'], { signal: controller.signal });
    let started;
    // Abort once every batch was accepted (stats() runs beside the loop).
    const aborter = (async () => {
      while ((await run.stats()).batchesAccepted < 3) await new Promise((resolve) => setTimeout(resolve, 20));
      started = Date.now();
      controller.abort();
    })();
    await assert.rejects(async () => {
      for await (const person of run) assert.fail(`nobody completes, got ${person.peopleSearchId}`);
    }, (e) => {
      assert.ok(e instanceof pubrio.CancelledError);
      assert.strictEqual(e.uncollected.length, 3);
      assert.deepStrictEqual(e.uncollected.map((b) => b.peopleCount), [100, 100, 50]);
      assert.deepStrictEqual(run.uncollected, e.uncollected);
      return true;
    });
    await aborter;
    assert.ok(Date.now() - started < 2000, 'the run stopped soon after the abort');
    // The client is usable again.
    const result = await client.query(run.uncollected[0].redeemQueryId);
    assert.strictEqual(result.query.isCompleted, false);
  }));

test('a run refused by the server fails with the typed error', () =>
  withServer(['--estimated-time', '0'], async (client, server) => {
    await server.script({ path: '/redeem/people/batch', status: 402, body: '{"error":"out of credits"}' });
    const run = client.redeem(makeIds(200), ['phone'], { parallel: 1 });
    await assert.rejects(async () => {
      for await (const person of run) assert.fail(`got ${person.peopleSearchId}`);
    }, (e) => {
      assert.ok(e instanceof pubrio.PaymentRequiredError, e.message);
      assert.strictEqual(e.httpStatus, 402);
      assert.strictEqual(e.apiMessage, 'out of credits');
      assert.deepStrictEqual(e.uncollected, []);
      return true;
    });
  }));

test('a journaled run left early resumes without submitting anybody twice', () =>
  withServer(['--estimated-time', '1'], async (client, server) => {
    const fs = require('node:fs');
    const os = require('node:os');
    const path = require('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pubrio-node-'));
    const journal = path.join(dir, 'run.journal');
    try {
      const ids = makeIds(250);
      const got = [];
      const first = client.redeem(ids, ['phone'], { journal });
      for await (const person of first) {
        got.push(person.peopleSearchId);
        break;
      }
      assert.ok(first.uncollected.length >= 1);
      // The rerun collects the journaled batches instead of submitting again.
      const second = client.redeem(ids, ['phone'], { journal });
      const plan = await second.stats();
      // Collected batches are in the journal (handed out from it),
      // accepted ones are collected: nobody is submitted again.
      assert.strictEqual(plan.peopleJournaled + plan.peopleKnown, 250);
      assert.ok(plan.peopleKnown >= 1);
      assert.strictEqual(plan.peopleToSubmit, 0);
      for await (const person of second) got.push(person.peopleSearchId);
      assert.deepStrictEqual([...new Set(got)].sort(), ids);
      const stats = await server.stats();
      assert.strictEqual(stats.people_submitted, 250);
      assert.strictEqual(stats.max_submits_per_person, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }));
