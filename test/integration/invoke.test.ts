import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Emulator } from '../../scripts/emulator';
import { ROOT } from '../../scripts/function-catalogue';
import { invoke, isErrorAnswer, parseInvokeArgs } from '../../scripts/invoke';
import { useEmulator, ADMIN_OPENID, MINI_PROGRAM } from '../support/emulator';
import { setEnv } from '../support/env';

let emulator: Emulator;
const current = useEmulator();
beforeAll(() => {
  emulator = current();
});
afterEach(() => setEnv({ WX_OPENID: undefined, WX_APPID: undefined, WX_CONTEXT_KEYS: undefined, TCB_SOURCE: undefined }));

describe('npm run invoke', () => {
  it('calls a bundle directly, as a Mini Program user, and over HTTP', async () => {
    expect(await invoke(parseInvokeArgs(['getJumpQRCode', '{}']))).toMatchObject({ errcode: 0, list_size: 0 });

    const admin = await invoke(parseInvokeArgs(['getJumpQRCode', '{}', '--as-openid', ADMIN_OPENID]));
    expect(admin).toMatchObject({ errcode: 0 });
    const stranger = await invoke(parseInvokeArgs(['getJumpQRCode', '{}', '--as-openid', 'o-stranger']));
    expect(stranger).toMatchObject({ errcode: 990006 });
    expect(isErrorAnswer(stranger)).toBe(true);

    const http = (await invoke(parseInvokeArgs(['getJumpQRCode', '{}', '--http']))) as Record<string, unknown>;
    expect(http).toMatchObject({ statusCode: 200 });
    expect(JSON.parse(String(http['body']))).toMatchObject({ errcode: 0 });
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpget')).toHaveLength(3);
    // No key in this shell: no Authorization header, and the function refuses HTTP calls altogether.
    setEnv({ WXOPEN_HTTP_KEY: undefined });
    const refused = await invoke(parseInvokeArgs(['getJumpQRCode', '{}', '--http']));
    expect(refused).toMatchObject({ statusCode: 403 });
    expect(isErrorAnswer(refused)).toBe(true);
  });

  it('explains an unknown function, invalid JSON and conflicting options', () => {
    expect(() => parseInvokeArgs(['noSuchFunction', '{}'])).toThrow(/no function named "noSuchFunction"; known: .*getJumpQRCode/);
    expect(() => parseInvokeArgs(['getJumpQRCode', '{x'])).toThrow(/the input is not valid JSON/);
    expect(() => parseInvokeArgs([])).toThrow(/a function name is required/);
    expect(() => parseInvokeArgs(['getJumpQRCode', '{}', '--as-openid', 'o', '--http'])).toThrow(/pick one/);
    expect(() => parseInvokeArgs(['getJumpQRCode', '{}', '--bogus'])).toThrow(/Unknown option '--bogus'/);
  });

  it('as a command: the answer alone on stdout, logs on stderr, exit 1 on an error answer and 2 on bad usage', () => {
    const run = (args: string[]): ReturnType<typeof spawnSync> =>
      spawnSync(process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'scripts', 'invoke.ts'), ...args], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 20000,
        env: { PATH: process.env['PATH'], WXOPEN_LOG_LEVEL: 'info', WXOPEN_API_BASE: 'http://127.0.0.1:9' },
      });
    const bad = run(['addJumpQRCode', '{"prefix":"mailto:x"}']);
    expect(bad.status).toBe(1);
    expect(JSON.parse(String(bad.stdout))).toMatchObject({ errcode: 990001, field: 'prefix' });
    expect(String(bad.stderr)).toContain('"level":"warn"');
    const unknown = run(['nope', '{}']);
    expect(unknown.status).toBe(2);
    expect(String(unknown.stderr)).toContain('no function named "nope"');
    expect(String(unknown.stdout)).toBe('');
  });

  it('pipes into jq as the README shows: npm run -s invoke -- getJumpQRCode \'{}\' | jq', async () => {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('WXOPEN_') && !key.startsWith('WX_') && !key.startsWith('npm_')) env[key] = value;
    Object.assign(env, { WXOPEN_API_BASE: emulator.url, WXOPEN_APPID: MINI_PROGRAM.appid, WXOPEN_APPSECRET: MINI_PROGRAM.secret, WXOPEN_LOG_LEVEL: 'info' });
    const sh = (line: string): Promise<{ stdout: string; stderr: string }> => promisify(execFile)('sh', ['-c', line], { cwd: ROOT, env, timeout: 20000 });
    const command = "npm run -s invoke -- getJumpQRCode '{}'";
    // stdin parsed by node (always there), and by jq when this machine has it
    const byNode = await sh(`${command} | node -e 'let t="";process.stdin.on("data",(c)=>t+=c).on("end",()=>console.log(JSON.parse(t).list_size))'`);
    expect(byNode.stdout.trim()).toBe('0');
    expect(byNode.stderr).toContain('"level":"info"'); // the function's log line went to stderr, not into the pipe
    const jq = spawnSync('sh', ['-c', 'command -v jq'], { encoding: 'utf8' });
    if (jq.status === 0) expect((await sh(`${command} | jq -e .errcode`)).stdout.trim()).toBe('0');
  });
});
