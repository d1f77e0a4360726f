// require('pubrio') by the package's own name (through its `exports` map,
// as a project that installed it resolves it): every name index.d.ts
// declares as a value is there, and nothing undeclared.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { declaredValues } = require('./exports_names.cjs');

test('require() gives every value index.d.ts declares, and no other', () => {
  const pubrio = require('pubrio');
  assert.deepStrictEqual(Object.keys(pubrio).sort(), declaredValues());
  for (const name of declaredValues()) {
    assert.strictEqual(typeof pubrio[name], 'function', name);
  }
  assert.ok(new pubrio.CancelledError({ status: 16, message: 'x' }) instanceof pubrio.PubrioError);
  assert.strictEqual(require('pubrio/package.json').name, 'pubrio');
});

test('a library that cannot be loaded is named, with PUBRIO_LIBRARY', () => {
  const { spawnSync } = require('node:child_process');
  const path = require('node:path');
  const missing = path.join(__dirname, 'no-such-dir', 'libpubrio.so.0');
  const run = spawnSync(process.execPath, ['-e', "require('pubrio')"], {
    cwd: __dirname, env: { ...process.env, PUBRIO_LIBRARY: missing }, encoding: 'utf8',
  });
  assert.notStrictEqual(run.status, 0);
  assert.match(run.stderr, /cannot load libpubrio\.so\.0/);
  assert.ok(run.stderr.includes(`PUBRIO_LIBRARY names "${missing}"`), run.stderr);
  assert.match(run.stderr, /PUBRIO_LIBRARY_NOT_FOUND/);
});
