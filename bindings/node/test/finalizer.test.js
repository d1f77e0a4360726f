// Clients never closed are freed once garbage (the FinalizationRegistry):
// each C client holds file descriptors (its cancel pipe, curl's), so the
// process's count of open descriptors shows whether they were released.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const v8 = require('node:v8');
const vm = require('node:vm');
const pubrio = require('..');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
const openFds = () => fs.readdirSync('/proc/self/fd').length;

test('unclosed clients are freed by the FinalizationRegistry', async () => {
  const before = openFds();
  (() => {
    for (let i = 0; i < 100; i++) new pubrio.Client({ apiKey: 'test-key' });
  })();
  const held = openFds();
  assert.ok(held >= before + 100, `100 clients hold descriptors (${before} -> ${held})`);
  for (let i = 0; i < 10 && openFds() > before + 5; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.ok(openFds() <= before + 5, `after gc: ${openFds()} descriptors open, ${before} before`);
});

test('close() frees at once, and the registry does not free it again', async () => {
  const before = openFds();
  for (let i = 0; i < 50; i++) new pubrio.Client({ apiKey: 'test-key' }).close();
  assert.ok(openFds() <= before + 2, `after close: ${openFds()} descriptors open, ${before} before`);
  gc(); // a second free by the registry would abort the process here
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc();
  assert.ok(openFds() <= before + 2);
});
