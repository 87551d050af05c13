import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../scripts/function-catalogue';

/**
 * `npm start` as a user runs it: the orchestration reaches "ready", the curl line it printed works
 * from another process, and Ctrl-C (SIGINT) stops everything with exit status 0.
 * Free ports (0) and --skip-build: `npm test` has just built the bundles.
 */

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('WXOPEN_') && !key.startsWith('WX_') && key !== 'GATEWAY_PORT' && key !== 'EMULATOR_PORT') env[key] = value;
  }
  return env;
}

function startScript(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string; waitFor: (pattern: RegExp) => Promise<RegExpExecArray>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'scripts', 'start.ts'), ...args], { cwd: ROOT, env: { ...cleanEnv(), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const listeners: Array<() => void> = [];
  const onData = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const match = pattern.exec(text);
        if (match !== null) {
          listeners.splice(listeners.indexOf(check), 1);
          resolve(match);
        }
      };
      listeners.push(check);
      void exit.then((code) => reject(new Error(`npm start exited (${String(code)}) before ${String(pattern)}:\n${text}`)));
      check();
    });
  return { child, output: () => text, waitFor, exit };
}

describe('npm start', () => {
  it('runs the demo, reaches ready, serves the printed curl line, and stops cleanly on SIGINT', async () => {
    const run = startScript(['--port', '0', '--emulator-port', '0', '--skip-build']);
    try {
      await run.waitFor(/^Ctrl-C stops\.$/m);
      const output = run.output();
      expect(output).toMatch(/^ready$/m);
      // each demo step printed as it happened, in order, all successful
      // (the functions' own warn lines, e.g. a retried 44990 rate limit, may come between a step and its answer)
      const printed = output.replace(/^\{"level".*\n/gm, '');
      const steps = [...printed.matchAll(/^\[(\d)\/(\d)\] (.+) \((\w+)\) \.\.\.\n {4}HTTP (\d+): (.*)$/gm)].map((match) => [match[4], match[5]]);
      expect(steps).toEqual([
        ['downloadQRCodeText', '200'],
        ['setupQRCodeJump', '200'],
        ['getJumpQRCode', '200'],
      ]);
      expect(output).toMatch(/hosting done, verify_file done, upload done, rule done, publish done/);
      const curl = (await run.waitFor(/^ {2}curl -sS -X POST (\S+) -H 'Authorization: Bearer ([^']+)' -H 'Content-Type: application\/json' -d '(.*)'$/m)).slice(1);
      const [url, key, body] = curl as [string, string, string];
      expect(output).toContain(`demo key   ${key}`);
      const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
      expect(response.status).toBe(200);
      const answer = (await response.json()) as Record<string, unknown>;
      // the demo's rule is there, published
      expect(answer).toMatchObject({ errcode: 0, list_size: 1, rule_list: [{ prefix: 'https://demo-env-1a2b3c-1300000001.tcloudbaseapp.com/qr/', state: 2 }] });
      // the verification file is really served by the emulated hosting
      const hosting = /^ {2}hosting {4}(\S+)/m.exec(output)?.[1];
      const file = /^ {4}HTTP 200: (\w+\.txt) \(content (\w+)\)/m.exec(output);
      expect(await (await fetch(`${hosting}qr/${file?.[1]}`)).text()).toBe(file?.[2]);
    } finally {
      run.child.kill('SIGINT');
    }
    expect(await run.exit).toBe(0);
    expect(run.output()).toMatch(/SIGINT: stopping the gateway and the emulator/);
  }, 20000);

  it('with an account of its own configured, starts no emulator and only runs the read-only steps', async () => {
    // Stands in for WeChat: an emulator this test owns, named by WXOPEN_API_BASE as a real base would be.
    const { startEmulator } = await import('../../scripts/emulator');
    const { DEMO_ACCOUNTS } = await import('../../scripts/emulator/accounts');
    const upstream = await startEmulator();
    const account = DEMO_ACCOUNTS[0]!;
    const run = startScript(['--port', '0', '--skip-build'], { WXOPEN_API_BASE: upstream.url, WXOPEN_APPID: account.appid, WXOPEN_APPSECRET: account.secret, WXOPEN_HTTP_KEY: 'my-own-key-1234567890abcdef' });
    try {
      await run.waitFor(/^Ctrl-C stops\.$/m);
      const output = run.output();
      expect(output).toContain(`no emulator: the functions talk to ${upstream.url}`);
      expect(output).toMatch(/set up the rule end to end \(setupQRCodeJump\): skipped against a real account; it would POST \{"env"/);
      expect(output).toContain('demo key   my-own-key-1234567890abcdef');
      expect(upstream.callsTo('cgi-bin/wxopen/qrcodejumpadd')).toHaveLength(0);
      expect(upstream.callsTo('cgi-bin/wxopen/qrcodejumppublish')).toHaveLength(0);
      expect(upstream.callsTo('cgi-bin/wxopen/qrcodejumpget')).toHaveLength(1);
    } finally {
      run.child.kill('SIGTERM');
      await upstream.close();
    }
    expect(await run.exit).toBe(0);
  }, 20000);

  it('says clearly when a port is taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = startScript(['--port', '0', '--emulator-port', String(port), '--skip-build']);
      expect(await run.exit).toBe(1);
      expect(run.output()).toContain(`emulator: port ${port} on 127.0.0.1 is already in use`);
      expect(run.output()).toContain('--emulator-port <n> (or EMULATOR_PORT=<n>)');
    } finally {
      blocker.close();
    }
  }, 20000);
});
