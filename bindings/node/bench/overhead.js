// The Node side of the overhead benchmark: N sequential `await
// client.query(id)` on one client, then the same C call made synchronously
// through koffi (no worker thread), to split the cost. Prints median and p99
// microseconds per call for each.
'use strict';
const pubrio = require('..');
const { c, koffi, allocError } = require('../lib/ffi');
const convert = require('../lib/convert');

function summary(samples) {
  samples.sort((a, b) => a - b);
  return `${samples[samples.length >> 1].toFixed(1)} ${samples[Math.floor(samples.length * 0.99)].toFixed(1)}`;
}

async function main() {
  const [id, n] = [process.argv[2], Number(process.argv[3])];
  const client = new pubrio.Client();
  const asyncUs = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    const result = await client.query(id);
    asyncUs.push(Number(process.hrtime.bigint() - start) / 1000);
    if (result.people.length === 0) throw new Error('no people');
  }
  client.close();
  // The same call, synchronous, on a client of its own.
  const err = allocError();
  const out = [null];
  if (c.clientNew(out, null, err) !== 0) throw new Error('client');
  const syncUs = [];
  for (let i = 0; i < n; i++) {
    const res = [null];
    const start = process.hrtime.bigint();
    if (c.query(out[0], id, res, err) !== 0) throw new Error('query');
    convert.queryResult(res[0]);
    c.resultFree(res[0]);
    syncUs.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  c.clientFree(out[0]);
  koffi.free(err);
  console.log(`${summary(asyncUs)} ${summary(syncUs)}`);
}
main().catch((e) => {
  console.error(e);
  process.exit(1);
});
