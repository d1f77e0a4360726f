// Leaving a run, every way a Node program can (issue 26 items 4 and 6):
// the loop finished, break, a throw in the loop body, run.close() from the
// loop body and from outside it, client.close() mid-run, client.cancel()
// from a timer, Ctrl-C through client.cancelOnSignal(), and a run dropped
// and garbage collected. Each goes through pubrio_bulk_close() once, and
// over a real socket to the fake server:
//   paid (people the server processed) = handed out by the loop
//     + kept by the close (run.drained) + named (run.uncollected's people
//     + run.uncertain)
// with nobody submitted twice, and one process warning naming what is left.
// 60 batches with 4 in flight, requests slowed by the server's latency and
// batches completing after 2 polls: when the run is left, submits and
// polls are in flight, some batches are collected and queued, others are
// accepted and not collected.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const v8 = require('node:v8');
const vm = require('node:vm');
const koffi = require('koffi');
const pubrio = require('..');
const { startFakeServer, makeIds } = require('./fake_server');

// Every pubrio_bulk_close() and pubrio_bulk_free() the package makes, in
// order: each run is closed exactly once, then freed.
const { c } = require('../lib/ffi');
const calls = [];
const { bulkClose, bulkFree } = c;
c.bulkClose = { async: (bulk, ...rest) => (calls.push(['close', koffi.address(bulk)]), bulkClose.async(bulk, ...rest)) };
c.bulkFree = (bulk) => (calls.push(['free', koffi.address(bulk)]), bulkFree(bulk));
test.beforeEach(() => {
  calls.length = 0;
});
test.afterEach(() => {
  const runs = [...new Set(calls.map(([, at]) => at))];
  assert.strictEqual(runs.length, 1, 'each test leaves one run');
  for (const at of runs) {
    assert.deepStrictEqual(calls.filter(([, a]) => a === at).map(([what]) => what), ['close', 'free'], 'closed once, then freed');
  }
});

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

const PEOPLE = 6000; // 60 batches of 100: the run is left while it still submits
const SERVER = ['--estimated-time', '0', '--complete-after-polls', '2', '--latency-ms', '40'];
const RUN = { batchSize: 100, parallel: 4, minDelayMs: 20, maxDelayMs: 40, timeoutMs: 60000 };

// The warnings emitted while `body` runs (the leftover ones).
async function catchingWarnings(body) {
  const warnings = [];
  const onWarning = (w) => {
    if (w.name === 'PubrioLeftoverWarning') warnings.push(w);
  };
  process.on('warning', onWarning);
  try {
    await body();
    // process.emitWarning() delivers on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.removeListener('warning', onWarning);
  }
  return warnings;
}

async function withServer(body) {
  const server = await startFakeServer(SERVER);
  const client = new pubrio.Client({ apiKey: 'test-key', baseUrl: server.url });
  try {
    return await body(client, server);
  } finally {
    client.close();
    await server.stop();
  }
}

// The promise, checked over the wire: what the server processed is handed
// out, kept or named, each person once; nothing was submitted twice.
async function assertAccounted(server, run, handedOut, warnings) {
  const seen = await server.stats();
  const drained = run.drained.map((p) => p.peopleSearchId);
  const uncollected = run.uncollected;
  const named = uncollected.reduce((n, b) => n + b.peopleCount, 0) + run.uncertain.length;
  const figures = `paid ${seen.people_submitted}, handed out ${handedOut.length}, kept ${drained.length}, ` +
    `uncollected ${uncollected.length} batches, uncertain ${run.uncertain.length}`;
  assert.strictEqual(seen.max_submits_per_person, 1, 'nobody was submitted twice');
  assert.strictEqual(handedOut.length + drained.length + named, seen.people_submitted, figures);
  const everyone = [...handedOut, ...drained, ...uncollected.flatMap((b) => b.people ?? []), ...run.uncertain];
  assert.strictEqual(new Set(everyone).size, everyone.length, `each person once: ${figures}`);
  const stats = await run.stats();
  assert.strictEqual(stats.peopleKept, drained.length);
  assert.strictEqual(stats.batchesUncollected, uncollected.length);
  assert.strictEqual(stats.peopleUncollected, uncollected.reduce((n, b) => n + b.peopleCount, 0));
  // One warning, with the library's sentence, when something is left.
  const leftSomething = drained.length + named > 0;
  assert.strictEqual(warnings.length, leftSomething ? 1 : 0, `${figures}; warnings: ${warnings.map((w) => w.message)}`);
  if (leftSomething) {
    assert.ok(warnings[0].message.startsWith(run.leftover), warnings[0].message);
    assert.doesNotMatch(warnings[0].message, /pubrio_[a-z_]+/, 'names Node calls, not C functions');
    if (uncollected.length) assert.match(warnings[0].message, /client\.wait\(redeemQueryId\)/);
  }
  // Everything named can be collected with client.wait, no submit.
  return figures;
}

// Iterate `run` until `count` people were handed out (into `handedOut`),
// then call `leave`.
async function loopThen(run, count, leave, handedOut = []) {
  for await (const person of run) {
    handedOut.push(person.peopleSearchId);
    if (handedOut.length === count) {
      const stop = await leave(handedOut);
      if (stop === 'break') break;
    }
  }
  return handedOut;
}

test('finished: everything handed out, nothing named, no warning', () =>
  withServer(async (client, server) => {
    const run = client.redeem(makeIds(300), ['phone'], RUN);
    const handedOut = [];
    const warnings = await catchingWarnings(async () => {
      for await (const person of run) handedOut.push(person.peopleSearchId);
    });
    await assertAccounted(server, run, handedOut, warnings);
    assert.strictEqual(handedOut.length, 300);
    assert.strictEqual(run.leftover, null);
  }));

test('break: what is queued is kept, what is accepted is named', () =>
  withServer(async (client, server) => {
    const run = client.redeem(makeIds(PEOPLE), ['phone'], RUN);
    let handedOut;
    const warnings = await catchingWarnings(async () => {
      handedOut = await loopThen(run, 150, () => 'break');
    });
    const figures = await assertAccounted(server, run, handedOut, warnings);
    assert.ok(run.drained.length + run.uncollected.length > 0, `something was left: ${figures}`);
    assert.ok((await server.stats()).people_submitted < PEOPLE, `the break stopped the run: ${figures}`);
  }));

test('a throw in the loop body: the error reaches the caller, the run is closed', () =>
  withServer(async (client, server) => {
    const run = client.redeem(makeIds(PEOPLE), ['phone'], RUN);
    const handedOut = [];
    const warnings = await catchingWarnings(async () => {
      await assert.rejects(loopThen(run, 150, () => {
        throw new Error('the caller\'s own failure');
      }, handedOut), /the caller's own failure/);
    });
    assert.strictEqual(handedOut.length, 150);
    await assertAccounted(server, run, handedOut, warnings);
  }));

test('run.close() from the loop body: resolves to the people kept, the loop ends', () =>
  withServer(async (client, server) => {
    const run = client.redeem(makeIds(PEOPLE), ['phone'], RUN);
    let handedOut;
    let kept;
    const warnings = await catchingWarnings(async () => {
      handedOut = await loopThen(run, 150, async () => {
        kept = await run.close();
      });
    });
    assert.strictEqual(handedOut.length, 150, 'the loop ended at its next step');
    assert.deepStrictEqual(kept, run.drained);
    assert.deepStrictEqual(await run.close(), kept, 'a second close resolves to the same');
    await assertAccounted(server, run, handedOut, warnings);
  }));

test('run.close() from outside the loop while it waits', () =>
  withServer(async (client, server) => {
    const run = client.redeem(makeIds(PEOPLE), ['phone'], RUN);
    const handedOut = [];
    const warnings = await catchingWarnings(async () => {
      let closing = null;
      for await (const person of run) {
        handedOut.push(person.peopleSearchId);
        if (handedOut.length === 150) closing = new Promise((resolve) => setTimeout(resolve, 1)).then(() => run.close());
      }
      await closing;
    });
    await assertAccounted(server, run, handedOut, warnings);
  }));

test('client.close() mid-run: the loop fails with CancelledError, nothing paid is lost', () =>
  withServer(async (client, server) => {
    const run = client.redeem(makeIds(PEOPLE), ['phone'], RUN);
    const handedOut = [];
    let error;
    const warnings = await catchingWarnings(async () => {
      try {
        for await (const person of run) {
          handedOut.push(person.peopleSearchId);
          if (handedOut.length === 150) client.close();
        }
      } catch (e) {
        error = e;
      }
    });
    assert.ok(error instanceof pubrio.CancelledError, String(error));
    assert.deepStrictEqual(error.drained, run.drained);
    assert.deepStrictEqual(error.uncollected, run.uncollected);
    await assertAccounted(server, run, handedOut, warnings);
  }));

test('client.cancel() from a timer stops the run as a first stop', () =>
  withServer(async (client, server) => {
    const run = client.redeem(makeIds(PEOPLE), ['phone'], RUN);
    const handedOut = [];
    let error;
    const warnings = await catchingWarnings(async () => {
      try {
        for await (const person of run) {
          handedOut.push(person.peopleSearchId);
          if (handedOut.length === 150) setTimeout(() => client.cancel(), 1);
        }
      } catch (e) {
        error = e;
      }
    });
    assert.ok(error instanceof pubrio.CancelledError, String(error));
    await assertAccounted(server, run, handedOut, warnings);
    // The client goes on once the run is left.
    const left = run.uncollected[0];
    if (left) assert.strictEqual((await client.wait(left.redeemQueryId)).people.length, left.peopleCount);
  }));

test('Ctrl-C (SIGINT) through client.cancelOnSignal(): the run drains and names', () =>
  withServer(async (client, server) => {
    const removeHandler = client.cancelOnSignal();
    const run = client.redeem(makeIds(PEOPLE), ['phone'], RUN);
    const handedOut = [];
    let error;
    try {
      const warnings = await catchingWarnings(async () => {
        try {
          for await (const person of run) {
            handedOut.push(person.peopleSearchId);
            if (handedOut.length === 150) process.kill(process.pid, 'SIGINT');
          }
        } catch (e) {
          error = e;
        }
      });
      assert.ok(error instanceof pubrio.CancelledError, String(error));
      await assertAccounted(server, run, handedOut, warnings);
    } finally {
      removeHandler();
    }
    assert.strictEqual(process.listenerCount('SIGINT'), 0, 'the handler is removed');
  }));

test('a run dropped mid-loop is closed once garbage, what it leaves named in a warning', () =>
  withServer(async (client, server) => {
    const handedOut = [];
    const warnings = await catchingWarnings(async () => {
      await (async () => {
        const iterator = client.redeem(makeIds(PEOPLE), ['phone'], RUN)[Symbol.asyncIterator]();
        while (handedOut.length < 150) handedOut.push((await iterator.next()).value.peopleSearchId);
      })();
      // The run and its iterator are garbage now: the registry closes it.
      for (let i = 0; i < 50; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (client._pending === 0) break;
      }
    });
    assert.strictEqual(client._pending, 0, 'the dropped run was closed and freed');
    assert.strictEqual(warnings.length, 1);
    // The sentence names every paid person the loop did not hand out.
    const text = warnings[0].message;
    const count = (re) => Number(text.match(re)?.[1] ?? 0);
    const uncollected = count(/paid and not collected \((\d+) people\)/);
    const uncertain = count(/(\d+) (?:person|people) submitted without a conclusive answer/);
    const kept = count(/(\d+) (?:person|people) collected while the run closed/);
    const seen = await server.stats();
    assert.strictEqual(handedOut.length + kept + uncollected + uncertain, seen.people_submitted, text);
    assert.strictEqual(seen.max_submits_per_person, 1);
  }));

test('a submit processed and never answered: the run fails, its people named uncertain, none resent', () =>
  withServer(async (client, server) => {
    // The first submit is charged and its connection closed unanswered.
    await server.script({ path: '/redeem/people/batch', fault: 3, times: 1 });
    const run = client.redeem(makeIds(PEOPLE), ['phone'], RUN);
    const handedOut = [];
    let error;
    const warnings = await catchingWarnings(async () => {
      try {
        for await (const person of run) handedOut.push(person.peopleSearchId);
      } catch (e) {
        error = e;
      }
    });
    assert.ok(error instanceof pubrio.PubrioError, String(error));
    assert.strictEqual(run.uncertain.length, 100, 'the unanswered batch\'s people');
    assert.deepStrictEqual(error.uncertain, run.uncertain);
    assert.match(warnings[0]?.message ?? '', /100 people submitted without a conclusive answer/);
    assert.match(warnings[0].message, /run\.uncertain/);
    await assertAccounted(server, run, handedOut, warnings);
  }));
