// The fake Pubrio server (tests/fake_server) as a child process on a free
// port: it prints its URL on the first line of its output.
'use strict';
const { spawn } = require('node:child_process');
const readline = require('node:readline');

function serverPath() {
  const path = process.env.PUBRIO_FAKE_SERVER;
  if (!path) throw new Error('set PUBRIO_FAKE_SERVER to build/tests/pubrio-fake-server');
  return path;
}

/** Start one; `args` are its flags (--estimated-time 0, --latency-ms N...). */
async function startFakeServer(args = []) {
  const proc = spawn(serverPath(), ['--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: proc.stdout });
  const url = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`fake server exited (${code})`)));
  });
  return {
    url,
    /** What it saw: requests per path, people_submitted, max_submits_per_person... */
    async stats() {
      const res = await fetch(`${url}/_fake/stats`);
      return res.json();
    },
    /** Script its next answer(s): { path, status, body, delay_ms, times }. */
    async script(reply) {
      const res = await fetch(`${url}/_fake/reply`, { method: 'POST', body: JSON.stringify(reply) });
      if (res.status !== 204) throw new Error(`scripting the fake server failed: ${res.status}`);
    },
    stop() {
      proc.kill('SIGTERM');
      return new Promise((resolve) => (proc.exitCode !== null ? resolve() : proc.once('exit', resolve)));
    },
  };
}

/** n distinct canonical ids, 00000000-0000-4000-8000-000000000001 on. */
function makeIds(n, variant = '8000') {
  return Array.from({ length: n }, (_, i) => `00000000-0000-4000-${variant}-${String(i + 1).padStart(12, '0')}`);
}

module.exports = { startFakeServer, makeIds };
