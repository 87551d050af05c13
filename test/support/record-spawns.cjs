// Preloaded (NODE_OPTIONS=--require) into a script under test: appends every child-process launch
// to the file named by RECORD_SPAWNS_TO, so a test can prove what was (not) started.
// With STUB_TCB_CLI set, a launch of the CloudBase CLI runs a stand-in instead: it records the HOME
// it was given (and whether that directory exists) as `tcb <command> HOME=<dir> exists=<bool>`,
// stores a fake login under that HOME as the real CLI does, and answers like a successful CLI
// (STUB_TCB_CLI = the number of functions it reports deployed). With STUB_TCB_OFFLINE set, its login
// fails as the real CLI 2.12.10 does without a network: an unhandled rejection with a stack trace,
// then exit status 1.
const childProcess = require('node:child_process');
const { appendFileSync } = require('node:fs');

const STAND_IN = `
const { appendFileSync, existsSync, mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const [command] = process.argv.slice(1);
const home = process.env.HOME;
appendFileSync(process.env.RECORD_SPAWNS_TO, 'tcb ' + command + ' HOME=' + home + ' exists=' + existsSync(home) + ' XDG_CONFIG_HOME=' + process.env.XDG_CONFIG_HOME + '\\n');
if (command === 'login' && process.env.STUB_TCB_OFFLINE) {
  console.log('CloudBase CLI 2.12.10');
  console.error('unhandledRejection CloudBaseError: [DescribeEnvs]');
  console.error('RequestId：');
  console.error('request to https://tcb.tencentcloudapi.com/ failed, reason: getaddrinfo ENOTFOUND tcb.tencentcloudapi.com');
  console.error('    at CloudApiService.request (/x/node_modules/@cloudbase/cli/dist/standalone/cli.js:450285:23)');
  console.error('    at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {');
  console.error("  original: null,\\n  code: 'ENOTFOUND',\\n  requestId: '',\\n  action: 'DescribeEnvs',\\n  type: 'system'\\n}");
  console.error('✖ [DescribeEnvs]');
  console.error('request to https://tcb.tencentcloudapi.com/ failed, reason: getaddrinfo ENOTFOUND tcb.tencentcloudapi.com');
  console.log('- Verifying Tencent Cloud Key...');
  process.exit(1);
} else if (command === 'login') {
  mkdirSync(join(home, '.config', '.cloudbase'), { recursive: true });
  writeFileSync(join(home, '.config', '.cloudbase', 'auth.json'), '{"secretKey":"stored"}');
  console.log('✔ login succeeded.');
} else {
  console.log('✔ 成功部署 ' + process.env.STUB_TCB_CLI + ' 个函数');
}
`;

for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync', 'fork']) {
  const original = childProcess[name];
  childProcess[name] = function recorded(command, args, ...rest) {
    const line = [command, ...(Array.isArray(args) ? args : [])].join(' ');
    if (process.env.RECORD_SPAWNS_TO) appendFileSync(process.env.RECORD_SPAWNS_TO, `${line}\n`);
    if (process.env.STUB_TCB_CLI && Array.isArray(args) && /@cloudbase[\\/]cli[\\/]bin[\\/]tcb/.test(String(args[0]))) {
      return original.call(this, command, ['-e', STAND_IN, ...args.slice(1)], ...rest);
    }
    return original.call(this, command, args, ...rest);
  };
}
