// The structs declared in lib/ffi.js against the C header: a small C probe,
// compiled here, prints every declared field's offset and size and each
// struct's size. A field of another offset or size fails. The structs the
// library fills in memory of ours (pubrio_error, pubrio_bulk_event,
// pubrio_bulk_stats) must match the header's size exactly, so a field the C
// side grew is declared here; a larger C struct of the others (read
// through the library's pointers) is fine and is reported.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { koffi, types } = require('../lib/ffi');

const inTree = path.join(__dirname, '..', '..', '..', 'include');
const FILLED_BY_C = new Set(['pubrio_error', 'pubrio_bulk_event', 'pubrio_bulk_stats']);
const includeDir = process.env.PUBRIO_INCLUDE_DIR ||
  (fs.existsSync(path.join(inTree, 'pubrio', 'pubrio.h')) ? inTree : '/usr/include');

test('every declared struct field sits where the C header puts it', (t) => {
  const structs = Object.values(types).map((type) => koffi.introspect(type));
  const lines = ['#include <pubrio/pubrio.h>', '#include <stddef.h>', '#include <stdio.h>', 'int main(void) {'];
  for (const s of structs) {
    lines.push(`  printf("%s %zu\\n", "${s.name}", sizeof(struct ${s.name}));`);
    for (const m of Object.keys(s.members)) {
      lines.push(`  printf("%s %zu\\n", "${s.name}.${m}", offsetof(struct ${s.name}, ${m}));`);
      lines.push(`  printf("%s %zu\\n", "${s.name}.${m}:size", sizeof(((struct ${s.name} *)0)->${m}));`);
    }
  }
  lines.push('  return 0;', '}');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pubrio-layout-'));
  try {
    fs.writeFileSync(path.join(dir, 'probe.c'), lines.join('\n'));
    execFileSync('cc', ['-std=c11', '-I', includeDir, '-o', path.join(dir, 'probe'), path.join(dir, 'probe.c')]);
    const c = new Map(execFileSync(path.join(dir, 'probe'), { encoding: 'utf8' })
      .trim().split('\n').map((line) => line.split(' ')).map(([k, v]) => [k, Number(v)]));
    for (const s of structs) {
      for (const [name, member] of Object.entries(s.members)) {
        assert.strictEqual(member.offset, c.get(`${s.name}.${name}`), `${s.name}.${name}: offset`);
        assert.strictEqual(koffi.sizeof(member.type), c.get(`${s.name}.${name}:size`), `${s.name}.${name}: size`);
      }
      if (FILLED_BY_C.has(s.name)) {
        assert.strictEqual(s.size, c.get(s.name), `${s.name}: ours is ${s.size} bytes, the header's ${c.get(s.name)}: declare its new fields at the end in lib/ffi.js`);
      }
      assert.ok(s.size <= c.get(s.name), `${s.name}: ours is ${s.size} bytes, the header's ${c.get(s.name)}`);
      if (s.size < c.get(s.name)) {
        t.diagnostic(`${s.name} grew in C (${s.size} -> ${c.get(s.name)} bytes): declare its new fields at the end in lib/ffi.js`);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
