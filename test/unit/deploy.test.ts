import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploy, deployOutcome, templateProblems, templatedVariables, type CommandResult } from '../../scripts/deploy';
import { functionNames, ROOT } from '../../scripts/function-catalogue';

const SECRET_KEY = 'very-secret-key-0123456789abcdef';
const CREDENTIALS = { ENV_ID: 'demo-env-1a2b3c', TENCENTCLOUD_SECRETID: 'AKIDexample000000000', TENCENTCLOUD_SECRETKEY: SECRET_KEY };
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

async function deployWith(env: Record<string, string>, answers: CommandResult[]): Promise<{ code: number; printed: string; calls: string[][]; built: boolean }> {
  const cli = fakeCli(answers);
  const lines: string[] = [];
  let built = false;
  const code = await deploy({ env, run: cli.run, build: async () => void (built = true), print: (line) => lines.push(line) });
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
    const { run, spawned, userHome } = runScript({ ...CREDENTIALS, STUB_TCB_CLI: String(functionNames().length) }, ['--skip-build']);
    expect({ status: run.status, stdout: run.stdout }).toMatchObject({ status: 0, stdout: expect.stringContaining(`deployed: ${functionNames().length} functions deployed`) });
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
      env: CREDENTIALS,
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
    const result = await deployWith(CREDENTIALS, [
      { code: 0, output: `${LOGIN_OK}debug: apiKey=${SECRET_KEY}\n` },
      { code: 0, output: deployedAll() },
    ]);
    expect(result.code).toBe(0);
    expect(result.built).toBe(true);
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
      const result = await deployWith(CREDENTIALS, [{ code: 0, output: LOGIN_OK }, { code: 0, output }]);
      expect({ output, code: result.code }).toEqual({ output, code: 1 });
      expect(result.printed).toContain('deploy failed');
    }
    expect(deployOutcome(`\u001b[32m✔\u001b[39m Successfully deployed ${functionNames().length} function(s)`, functionNames().length).ok).toBe(true);
    expect(deployOutcome('成功部署 1 个函数', functionNames().length + 1)).toMatchObject({ ok: false, reason: expect.stringContaining('deployed 1 of') });
  });

  it('stops after a refused login without deploying', async () => {
    const result = await deployWith(CREDENTIALS, [{ code: 0, output: '✖ 无效的身份信息！' }]);
    expect(result.code).toBe(1);
    expect(result.calls).toHaveLength(1);
    expect(result.printed).toContain('Check TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY');
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
