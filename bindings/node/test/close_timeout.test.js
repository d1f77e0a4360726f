// redeem(ids, types, { closeTimeoutMs }): how long leaving a run waits for
// the submits in flight. Within 0, leaving the run, however it is left (the
// loop's break, a throw in its body, run.close(), the run dropped and
// garbage collected), cuts the submits in flight at once (every answer is
// 100 ms late) instead of waiting for them, their people named uncertain.
// A cut submit may or may not have been processed, so over a real socket:
//   handed out + kept + uncollected <= paid <= that + uncertain
// and nobody is submitted twice. Whether a submit is in flight when the
// loop is left is up to timing: each way is tried until one close cut
// something (10 tries at most), the balance checked each time. 200 batches
// under no rate limit: when the first person comes out the run still
// submits, 4 requests in flight.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const v8 = require('node:v8');
const vm = require('node:vm');
const pubrio = require('..');
const { startFakeServer, makeIds } = require('./fake_server');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const TRIES = 10;
const SERVER = ['--estimated-time', '0', '--complete-after-polls', '3', '--latency-ms', '100'];
const IDS = makeIds(2000);
const RUN = { batchSize: 10, parallel: 4, requestsPerMinute: 100000, minDelayMs: 20, maxDelayMs: 50, timeoutMs: 60000, closeTimeoutMs: 0 };

// The leftover warnings emitted while `body` runs.
async function catchingWarnings(body) {
  const warnings = [];
  const onWarning = (w) => {
    if (w.name === 'PubrioLeftoverWarning') warnings.push(w);
  };
  process.on('warning', onWarning);
  try {
    await body();
    await new Promise((resolve) => setImmediate(resolve)); // delivered on the next tick
  } finally {
    process.removeListener('warning', onWarning);
  }
  return warnings;
}

// paid between what is sure (handed out, kept, uncollected) and that plus
// the uncertain; nobody submitted twice.
async function assertCutBalance(server, handedOut, kept, uncollected, uncertain) {
  const seen = await server.stats();
  const sure = handedOut + kept + uncollected;
  const figures = `paid ${seen.people_submitted}, handed out ${handedOut} + kept ${kept} + uncollected ${uncollected}, uncertain ${uncertain}`;
  assert.ok(sure <= seen.people_submitted && seen.people_submitted <= sure + uncertain, figures);
  assert.ok(seen.max_submits_per_person <= 1, `a person was submitted twice: ${figures}`);
}

// The balance of a run still referenced; its uncertain count.
async function assertRunCut(server, run, handedOut) {
  const everyone = [...handedOut, ...run.drained.map((p) => p.peopleSearchId), ...run.uncertain];
  assert.strictEqual(new Set(everyone).size, everyone.length, 'each person once');
  const uncollected = run.uncollected.reduce((n, b) => n + b.peopleCount, 0);
  await assertCutBalance(server, handedOut.length, run.drained.length, uncollected, run.uncertain.length);
  return run.uncertain.length;
}

// `leave(client, server)` on a fresh server and client until its close cut
// a submit (it resolves to the number of people named uncertain).
async function untilCut(leave) {
  for (let i = 0; i < TRIES; i++) {
    const server = await startFakeServer(SERVER);
    const client = new pubrio.Client({ apiKey: 'test-key', baseUrl: server.url });
    try {
      if (await leave(client, server)) return;
    } finally {
      client.close();
      await server.stop();
    }
  }
  assert.fail('no close within 0 cut a submit in flight');
}

test('run.close() from the loop body within 0 cuts the submits in flight', () =>
  untilCut(async (client, server) => {
    const run = client.redeem(IDS, ['phone'], RUN);
    const handedOut = [];
    let kept;
    const warnings = await catchingWarnings(async () => {
      for await (const person of run) {
        handedOut.push(person.peopleSearchId);
        kept = await run.close();
      }
    });
    assert.deepStrictEqual(kept, run.drained);
    assert.strictEqual(warnings.length, 1);
    if (run.uncertain.length) assert.match(warnings[0].message, /submitted without a conclusive answer/);
    return assertRunCut(server, run, handedOut);
  }));

test('a break within 0 cuts the submits in flight', () =>
  untilCut(async (client, server) => {
    const run = client.redeem(IDS, ['phone'], RUN);
    const handedOut = [];
    await catchingWarnings(async () => {
      for await (const person of run) {
        handedOut.push(person.peopleSearchId);
        break;
      }
    });
    return assertRunCut(server, run, handedOut);
  }));

test('a throw in the loop body within 0 cuts the submits in flight', () =>
  untilCut(async (client, server) => {
    const run = client.redeem(IDS, ['phone'], RUN);
    const handedOut = [];
    let error;
    await catchingWarnings(async () => {
      try {
        for await (const person of run) {
          handedOut.push(person.peopleSearchId);
          throw new Error('the caller\'s own failure');
        }
      } catch (e) {
        error = e;
      }
    });
    // The caller's own error passes through (the run never sees it).
    assert.match(error?.message ?? '', /the caller's own failure/);
    return assertRunCut(server, run, handedOut);
  }));

test('a run dropped mid-loop is closed within 0 once garbage', () =>
  untilCut(async (client, server) => {
    const handedOut = [];
    const warnings = await catchingWarnings(async () => {
      await (async () => {
        const iterator = client.redeem(IDS, ['phone'], RUN)[Symbol.asyncIterator]();
        handedOut.push((await iterator.next()).value.peopleSearchId);
      })();
      for (let i = 0; i < 50; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (client._pending === 0) break;
      }
    });
    assert.strictEqual(client._pending, 0, 'the dropped run was closed and freed');
    assert.strictEqual(warnings.length, 1);
    const text = warnings[0].message;
    const count = (re) => Number(text.match(re)?.[1] ?? 0);
    const uncertain = count(/(\d+) (?:person|people) submitted without a conclusive answer/);
    await assertCutBalance(server, handedOut.length, count(/(\d+) (?:person|people) collected while the run closed/),
      count(/paid and not collected \((\d+) people\)/), uncertain);
    return uncertain;
  }));

// An abort is a first stop, as client.cancel(): the run fails with
// CancelledError once the submits in flight are answered, so the close has
// nothing to cut, with or without a close timeout. (An abort used to cancel
// the client again at each later step: the second cancel cut the submits.)
for (const closeTimeoutMs of [undefined, 0]) {
  test(`an abort mid-run lets the submits in flight finish (closeTimeoutMs ${closeTimeoutMs})`, async () => {
    const server = await startFakeServer(SERVER);
    const client = new pubrio.Client({ apiKey: 'test-key', baseUrl: server.url });
    try {
      const controller = new AbortController();
      const run = client.redeem(IDS, ['phone'], { ...RUN, closeTimeoutMs, signal: controller.signal });
      const handedOut = [];
      let error;
      await catchingWarnings(async () => {
        try {
          for await (const person of run) {
            handedOut.push(person.peopleSearchId);
            if (handedOut.length === 1) controller.abort(new Error('the caller left'));
          }
        } catch (e) {
          error = e;
        }
      });
      assert.ok(error instanceof pubrio.CancelledError, String(error));
      assert.match(error.cause?.message ?? '', /the caller left/);
      assert.deepStrictEqual(run.uncertain, [], 'nothing was cut');
      const seen = await server.stats();
      const uncollected = run.uncollected.reduce((n, b) => n + b.peopleCount, 0);
      assert.strictEqual(seen.people_submitted, handedOut.length + run.drained.length + uncollected);
      assert.ok(uncollected > 0, 'left with batches accepted and not collected: this test proves nothing');
      assert.strictEqual(seen.max_submits_per_person, 1);
      await client.profile(); // the cancel is over: the client runs calls
    } finally {
      client.close();
      await server.stop();
    }
  });
}

test('a bad closeTimeoutMs throws InvalidArgumentError before anything is sent', async () => {
  const server = await startFakeServer(SERVER);
  const client = new pubrio.Client({ apiKey: 'test-key', baseUrl: server.url });
  try {
    for (const bad of [-1, NaN, 1.5, Infinity, '100', true, {}]) {
      assert.throws(() => client.redeem(IDS, ['phone'], { closeTimeoutMs: bad }),
        (e) => e instanceof pubrio.InvalidArgumentError && /closeTimeoutMs/.test(e.message), String(bad));
    }
    // Left out (or null): each request's own timeout, accepted.
    for (const fine of [undefined, null, 0, 5000]) await client.redeem([], ['phone'], { closeTimeoutMs: fine }).close();
    const seen = await server.stats();
    assert.strictEqual(Object.values(seen.requests).reduce((n, k) => n + k, 0), 0, JSON.stringify(seen.requests));
  } finally {
    client.close();
    await server.stop();
  }
});
