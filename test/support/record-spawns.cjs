// Preloaded (NODE_OPTIONS=--require) into a script under test: appends every child-process launch
// to the file named by RECORD_SPAWNS_TO, so a test can prove what was (not) started.
const childProcess = require('node:child_process');
const { appendFileSync } = require('node:fs');

for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork']) {
  const original = childProcess[name];
  childProcess[name] = function recorded(command, args, ...rest) {
    const line = [command, ...(Array.isArray(args) ? args : [])].join(' ');
    if (process.env.RECORD_SPAWNS_TO) appendFileSync(process.env.RECORD_SPAWNS_TO, `${line}\n`);
    return original.call(this, command, args, ...rest);
  };
}
