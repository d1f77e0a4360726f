// npm runs this once the package is installed. From the registry or a packed
// tarball, npm installs koffi beside the package: nothing to do. From a
// folder (`npm install ./bindings/node`), npm only links the folder into the
// project and installs none of its dependencies, while Node resolves them
// from the folder itself (the link's real path): install the locked ones
// (koffi) there, so `require('pubrio')` finds them.
'use strict';
const { spawnSync } = require('node:child_process');

function resolves(name) {
  try {
    require.resolve(name, { paths: [__dirname] });
    return true;
  } catch {
    return false;
  }
}

if (!resolves('koffi')) {
  const npm = process.env.npm_execpath;
  if (!npm) {
    console.error(`pubrio: koffi is not installed in ${__dirname}: run \`npm ci --omit=dev\` there`);
    process.exit(1);
  }
  // --ignore-scripts: this script does not run itself again (koffi ships
  // its prebuilt binaries, its own install script only checks them).
  const args = [npm, 'ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'];
  const ran = spawnSync(process.execPath, args, { cwd: __dirname, stdio: 'inherit' });
  if (ran.status !== 0 || !resolves('koffi')) {
    console.error(`pubrio: installing koffi in ${__dirname} failed: run \`npm ci --omit=dev\` there`);
    process.exit(1);
  }
}
