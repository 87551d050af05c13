import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploy, deployOutcome, templateProblems, templatedVariables, type CommandResult } from '../../scripts/deploy';
import { callableFunctionNames, functionNames, ROOT } from '../../scripts/function-catalogue';
import { cleanCliOutput, failureCause, loginOutcome } from '../../scripts/tcb-cli-output';

const SECRET_KEY = 'very-secret-key-0123456789abcdef';
const CREDENTIALS = { ENV_ID: 'demo-env-1a2b3c', TENCENTCLOUD_SECRETID: 'AKIDexample000000000', TENCENTCLOUD_SECRETKEY: SECRET_KEY };
/** Who may call the deployed functions: HTTP callers with this key, Mini Program users with these OPENIDs. */
const CALLERS = { WXOPEN_HTTP_KEY: 'deploy-test-http-key-0123456789ab', WXOPEN_ADMIN_OPENIDS: 'o-admin-1,o-admin-2' };
const READY = { ...CREDENTIALS, ...CALLERS };
/** What the CLI 2.12.10 prints when `tcb login` runs without a network (captured offline). */
const OFFLINE_LOGIN = [
  'CloudBase CLI 2.12.10',
  'unhandledRejection CloudBaseError: [DescribeEnvs]',
  'RequestId：',
  'request to https://tcb.tencentcloudapi.com/ failed, reason: getaddrinfo ENOTFOUND tcb.tencentcloudapi.com',
  '    at CloudApiService.request (/work/node_modules/@cloudbase/cli/dist/standalone/cli.js:450285:23)',
  '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5) {',
  '  original: null,',
  "  code: 'ENOTFOUND',",
  "  requestId: '',",
  "  action: 'DescribeEnvs',",
  "  type: 'system'",
  '}',
  '✖ [DescribeEnvs]',
  'RequestId：',
  'request to https://tcb.tencentcloudapi.com/ failed, reason: getaddrinfo ENOTFOUND tcb.tencentcloudapi.com',
  '- Verifying Tencent Cloud Key...',
].join('\n');
const LOGIN_OK = '✔ login succeeded.\n';
const deployedAll = (): string => `✔ [fn] 云函数部署成功\n✔ 成功部署 ${functionNames().length} 个函数\n`;

/** A stand-in for the CLI: records what it was asked and answers with canned output. */
function fakeCli(answers: CommandResult[]): { calls: string[][]; run: (args: readonly string[]) => Promise<CommandResult> } {
  const calls: string[][] = [];
  return {
    calls,
    run: async (args) => {
      calls.push([...args]);
      return answers.shift() ?? { code: 0, output: '' };
    },
  };
}

async function deployWith(env: Record<string, string>, answers: CommandResult[], options: { skipBuild?: boolean; allowNoCallers?: boolean } = {}): Promise<{ code: number; printed: string; calls: string[][]; built: boolean }> {
  const cli = fakeCli(answers);
  const lines: string[] = [];
  let built = false;
  const code = await deploy({ env, run: cli.run, build: async () => void (built = true), print: (line) => lines.push(line), ...options });
  return { code, printed: lines.join('\n'), calls: cli.calls, built };
}

/**
 * Runs `npm run deploy` as a script with a HOME of its own and the spawn recorder preloaded
 * (test/support/record-spawns.cjs; STUB_TCB_CLI in extraEnv swaps the CLI for its stand-in).
 */
function runScript(extraEnv: NodeJS.ProcessEnv, args: string[] = []): { run: SpawnSyncReturns<string>; spawned: string; userHome: string } {
  const userHome = mkdtempSync(join(tmpdir(), 'deploy-'));
  try {
    const record = join(userHome, 'spawns.txt');
    writeFileSync(record, '');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'],
      HOME: userHome,
      NODE_OPTIONS: `--require ${join(__dirname, '..', 'support', 'record-spawns.cjs')}`,
      RECORD_SPAWNS_TO: record,
      ...extraEnv,
    };
    const run = spawnSync(process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'scripts', 'deploy.ts'), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 20000 });
    return { run, spawned: readFileSync(record, 'utf8'), userHome };
  } finally {
    rmSync(userHome, { recursive: true, force: true });
  }
}

describe('npm run deploy', () => {
  it('without credentials stops before building or spawning the CLI, naming what to set', async () => {
    const result = await deployWith({ ENV_ID: 'x' }, []);
    expect(result.code).toBe(2);
    expect(result.calls).toEqual([]);
    expect(result.built).toBe(false);
    expect(result.printed).toContain('needs TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY');
    expect(result.printed).not.toContain('ENV_ID,');
  });

  it('as a script, exits non-zero with the message and never starts the CLI', () => {
    const { run, spawned } = runScript({});
    expect(spawned).toContain('scripts/deploy.ts'); // the recorder works: it saw tsx start the script
    expect(spawned).not.toContain('@cloudbase');
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('npm run deploy needs ENV_ID, TENCENTCLOUD_SECRETID, TENCENTCLOUD_SECRETKEY');
    expect(run.stdout).toContain('TENCENTCLOUD_SECRETKEY: the SecretKey');
  });

  it('as a script, runs the CLI with a throwaway HOME for login and deploy, removed afterwards', () => {
    const { run, spawned, userHome } = runScript({ ...READY, STUB_TCB_CLI: String(functionNames().length) }, ['--skip-build']);
    expect({ status: run.status, stdout: run.stdout }).toMatchObject({ status: 0, stdout: expect.stringContaining(`deployed: ${functionNames().length} functions deployed`) });
    expect(run.stdout).not.toContain('building the functions'); // --skip-build builds nothing and says nothing of it
    const cli = [...spawned.matchAll(/^tcb (\S+) HOME=(\S+) exists=(\w+) XDG_CONFIG_HOME=(\S+)$/gm)].map((match) => ({ command: match[1], home: match[2], exists: match[3], xdg: match[4] }));
    expect(cli.map((call) => call.command)).toEqual(['login', 'fn']);
    const home = cli[0]!.home as string;
    expect(home.startsWith(join(tmpdir(), 'wxopen-deploy-home-'))).toBe(true);
    expect(home).not.toBe(userHome);
    expect(cli).toEqual([
      { command: 'login', home, exists: 'true', xdg: join(home, '.config') },
      { command: 'fn', home, exists: 'true', xdg: join(home, '.config') },
    ]);
    expect(existsSync(home)).toBe(false); // the stored login went with it
    expect(run.stdout + run.stderr).not.toContain(SECRET_KEY);
  });

  it('removes the throwaway HOME when the CLI fails too', async () => {
    const homes: string[] = [];
    const code = await deploy({
      env: READY,
      build: async () => undefined,
      print: () => undefined,
      run: async (_args, env) => {
        homes.push(env['HOME'] as string);
        throw new Error('spawn failed');
      },
    }).catch(() => 'threw');
    expect(code).toBe('threw');
    expect(homes).toHaveLength(1);
    expect(existsSync(homes[0] as string)).toBe(false);
  });

  it('logs in with the keys, deploys every function with --force --yes, and never prints the secret key', async () => {
    const result = await deployWith(READY, [
      { code: 0, output: `${LOGIN_OK}debug: apiKey=${SECRET_KEY}\n` },
      { code: 0, output: deployedAll() },
    ]);
    expect(result.code).toBe(0);
    expect(result.built).toBe(true);
    expect(result.printed).toContain('building the functions ...');
    expect(result.calls).toEqual([
      ['login', '--apiKeyId', CREDENTIALS.TENCENTCLOUD_SECRETID, '--apiKey', SECRET_KEY],
      ['fn', 'deploy', '--all', '--force', '--yes', '-e', CREDENTIALS.ENV_ID],
    ]);
    expect(result.printed).not.toContain(SECRET_KEY);
    expect(result.printed).toContain('tcb service create -p /<function> -f <function>');
  });

  it('fails when the CLI says so, although it exits 0', async () => {
    const failures = [
      '✖ 1 个云函数部署失败',
      '1 cloud function(s) deployment failed',
      '[getJumpQRCode] 已跳过部署',
      'No valid identity information, please use cloudbase login to login',
      '无有效身份信息，请使用 cloudbase login 登录',
      'nothing recognisable',
    ];
    for (const output of failures) {
      const result = await deployWith(READY, [{ code: 0, output: LOGIN_OK }, { code: 0, output }]);
      expect({ output, code: result.code }).toEqual({ output, code: 1 });
      expect(result.printed).toContain('deploy failed');
    }
    expect(deployOutcome(`\u001b[32m✔\u001b[39m Successfully deployed ${functionNames().length} function(s)`, functionNames().length).ok).toBe(true);
    expect(deployOutcome('成功部署 1 个函数', functionNames().length + 1)).toMatchObject({ ok: false, reason: expect.stringContaining('deployed 1 of') });
  });

  it('stops after a refused login without deploying', async () => {
    const result = await deployWith(READY, [{ code: 0, output: '✖ 无效的身份信息！' }]);
    expect(result.code).toBe(1);
    expect(result.calls).toHaveLength(1);
    expect(result.printed).toContain('Check TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY');
  });

  it('blames the network, not the keys, when the CLI could not resolve Tencent Cloud; no stack trace', async () => {
    const result = await deployWith(READY, [{ code: 1, output: OFFLINE_LOGIN }], { skipBuild: true });
    expect(result.code).toBe(1);
    expect(result.calls).toHaveLength(1);
    expect(result.printed).toContain('deploy stopped at tcb login: the CLI could not reach Tencent Cloud (ENOTFOUND tcb.tencentcloudapi.com: the DNS lookup failed)');
    expect(result.printed).toContain('the keys and the environment id were not checked');
    expect(result.printed).not.toMatch(/TENCENTCLOUD_SECRETID|^\s+at |unhandledRejection|original: null/m);
    expect(result.printed).not.toContain('building the functions'); // skipBuild
    expect(result.printed).toContain('request to https://tcb.tencentcloudapi.com/ failed'); // what the CLI said is still shown
  });

  it('names the cause the CLI gives: the keys, the clock, a permission, the environment id', () => {
    const causes: Array<[string, string, RegExp]> = [
      ['[DescribeEnvs] AuthFailure.SecretIdNotFound: The SecretId is not found, please ensure that your SecretId is correct.', 'credentials', /Check TENCENTCLOUD_SECRETID/],
      ['AuthFailure.SignatureFailure The provided credentials could not be validated', 'credentials', /refused the keys/],
      ['AuthFailure.SignatureExpire: Signature expired', 'clock', /clock is off/],
      ['[CreateFunction] AuthFailure.UnauthorizedOperation: 您没有权限执行此操作，请检查 CAM 策略', 'permission', /CloudBase permissions on demo-env-1a2b3c/],
      ['✖ The environment ID demo-env-1a2b3c you specified does not exist, please specify the correct environment ID!', 'environment', /check ENV_ID/],
      ['✖ 你指定的环境 Id demo-env-1a2b3c 不存在，请指定正确的环境 Id！', 'environment', /environment demo-env-1a2b3c was not found/],
      ['request to https://tcb.tencentcloudapi.com/ failed, reason: connect ETIMEDOUT 1.2.3.4:443', 'network', /could not reach Tencent Cloud \(ETIMEDOUT\)/],
    ];
    for (const [output, kind, explanation] of causes) {
      const cause = failureCause(output, CREDENTIALS.ENV_ID);
      expect({ output, kind: cause?.kind }).toEqual({ output, kind });
      expect(cause?.explanation).toMatch(explanation);
    }
    expect(failureCause(LOGIN_OK, CREDENTIALS.ENV_ID)).toBeUndefined();
    expect(loginOutcome({ code: 1, output: 'something else' })).toEqual({ ok: false, reason: expect.stringContaining('exited with 1 without saying why') });
    // a failure during the deploy itself is read the same way
    expect(deployOutcome('✖ The environment ID x you specified does not exist', 1, 'x')).toMatchObject({ ok: false, reason: expect.stringContaining('environment x was not found') });
    expect(cleanCliOutput(OFFLINE_LOGIN).split('\n')).toEqual(['CloudBase CLI 2.12.10', '✖ [DescribeEnvs]', 'RequestId：', 'request to https://tcb.tencentcloudapi.com/ failed, reason: getaddrinfo ENOTFOUND tcb.tencentcloudapi.com', '- Verifying Tencent Cloud Key...']);
  });

  it('as a script offline: exit 1 with the DNS failure named, no stack trace, nothing about building under --skip-build', () => {
    const { run } = runScript({ ...READY, STUB_TCB_CLI: String(functionNames().length), STUB_TCB_OFFLINE: '1' }, ['--skip-build']);
    expect(run.status).toBe(1);
    const printed = run.stdout + run.stderr;
    expect(printed).toContain('the CLI could not reach Tencent Cloud (ENOTFOUND tcb.tencentcloudapi.com: the DNS lookup failed)');
    expect(printed).not.toMatch(/^\s+at |unhandledRejection|Check TENCENTCLOUD_SECRETID|building the functions/m);
  });

  it('without WXOPEN_HTTP_KEY and WXOPEN_ADMIN_OPENIDS, says whom every function would refuse and stops unless --allow-no-callers', async () => {
    const refused = await deployWith(CREDENTIALS, []);
    expect(refused.code).toBe(2);
    expect(refused.calls).toEqual([]);
    expect(refused.built).toBe(false);
    const callable = callableFunctionNames();
    expect(refused.printed).toContain(`neither WXOPEN_HTTP_KEY nor WXOPEN_ADMIN_OPENIDS is set: ${callable.length} functions (${callable.join(', ')}) would refuse:`);
    expect(refused.printed).toContain('HTTP callers (the HTTP access service): answered 990005 (WXOPEN_HTTP_KEY not set)');
    expect(refused.printed).toContain('Mini Program users (wx.cloud.callFunction): answered 990006 (WXOPEN_ADMIN_OPENIDS not set)');
    expect(refused.printed).toContain('componentEvents is not affected');
    expect(callable).not.toContain('componentEvents'); // WeChat calls it, signed: it needs no key
    expect(refused.printed).toContain('--allow-no-callers');
    // optional variables are not part of that warning
    expect(refused.printed).not.toMatch(/WXOPEN_COMPONENT_|WXOPEN_TOKEN_STORE|WXOPEN_MARKETCODE_KEY/);

    const allowed = await deployWith(CREDENTIALS, [{ code: 0, output: LOGIN_OK }, { code: 0, output: deployedAll() }], { allowNoCallers: true });
    expect(allowed.code).toBe(0);
    expect(allowed.printed).toContain('going on (--allow-no-callers)');
  });

  it('with one of them, deploys and says which callers are refused; optional variables get a line of their own', async () => {
    const result = await deployWith({ ...CREDENTIALS, WXOPEN_HTTP_KEY: CALLERS.WXOPEN_HTTP_KEY }, [{ code: 0, output: LOGIN_OK }, { code: 0, output: deployedAll() }]);
    expect(result.code).toBe(0);
    expect(result.printed).toContain('Mini Program users (wx.cloud.callFunction): answered 990006 (WXOPEN_ADMIN_OPENIDS not set)');
    expect(result.printed).not.toContain('answered 990005');
    const optional = result.printed.split('\n').find((line) => line.startsWith('optional, not set')) ?? '';
    expect(optional).toContain('WXOPEN_MARKETCODE_KEY');
    expect(optional).not.toMatch(/\bWXOPEN_HTTP_KEY\b(?!_)|WXOPEN_ADMIN_OPENIDS|ENV_ID/);
    expect((await deployWith(READY, [{ code: 0, output: LOGIN_OK }, { code: 0, output: deployedAll() }])).printed).not.toMatch(/refuse/);
  });

  it('refuses values every call would refuse, before building', async () => {
    const short = await deployWith({ ...READY, WXOPEN_HTTP_KEY: 'too-short-key' }, []);
    expect({ code: short.code, built: short.built, calls: short.calls }).toEqual({ code: 2, built: false, calls: [] });
    expect(short.printed).toContain('WXOPEN_HTTP_KEY: must be at least 24 characters');
    expect(short.printed).not.toContain('too-short-key'); // the value itself is never printed
    const local = await deployWith({ ...READY, WXOPEN_API_BASE: 'http://127.0.0.1:8787' }, []);
    expect(local.code).toBe(2);
    expect(local.printed).toContain('WXOPEN_API_BASE: http://127.0.0.1:8787 is this machine');
  });

  it('refuses values the CLI would write unescaped into cloudbaserc.json', async () => {
    expect(templatedVariables()).toEqual(expect.arrayContaining(['ENV_ID', 'WXOPEN_HTTP_KEY']));
    expect(templateProblems({ ...CREDENTIALS, WXOPEN_HTTP_KEY: 'a"b' }).broken).toEqual(['WXOPEN_HTTP_KEY']);
    const result = await deployWith({ ...CREDENTIALS, WXOPEN_HTTP_KEY: 'key"with-quote' }, []);
    expect(result.code).toBe(2);
    expect(result.calls).toEqual([]);
    expect(result.printed).toContain('WXOPEN_HTTP_KEY');
  });
});
