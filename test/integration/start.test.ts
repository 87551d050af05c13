import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
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

/** Runs a printed shell line (curl, npm run invoke) as a user would paste it. */
async function shell(line: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await promisify(execFile)('sh', ['-c', line], { cwd: ROOT, env: { ...cleanEnv(), ...extraEnv }, timeout: 15000 });
  return stdout;
}

/** True while something accepts connections on 127.0.0.1:port. */
async function listening(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Waits for a condition, looking every 100 ms; fails with `why()` after `ms`. */
async function until(condition: () => boolean | Promise<boolean>, ms: number, why: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(why());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function postJson(url: string, key: string, body: unknown): Promise<{ status: number; answer: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, answer: (await response.json()) as Record<string, unknown> };
}

describe('npm start', () => {
  it('runs the demo, reaches ready, serves the printed curl line, and stops cleanly on SIGINT', async () => {
    const run = startScript(['--port', '0', '--emulator-port', '0', '--skip-build']);
    try {
      await run.waitFor(/^Ctrl-C stops\.$/m);
      const output = run.output();
      expect(output).toMatch(/^ready$/m);
      // paced under WeChat's 5 calls/s qrcodejump limit: no retried 44990, no warning of any kind
      // (in either log format: JSON lines here, where the output is a pipe; text lines on a terminal)
      expect(output).not.toMatch(/"level":"(warn|error)"|^\d\d:\d\d:\d\d\.\d{3} (WARN|ERROR) |retrying WeChat call/m);
      // each demo step printed as it happened, in order, all successful
      const steps = [...output.matchAll(/^\[(\d)\/(\d)\] (.+) \((\w+)\) \.\.\.\n(?: {6}.*\n)* {4}HTTP (\d+): (.*)$/gm)].map((match) => [match[4], match[5]]);
      expect(steps).toEqual([
        ['downloadQRCodeText', '200'],
        ['setupQRCodeJump', '200'],
        ['deployStaticSite', '200'],
        ['getJumpQRCode', '200'],
        // the third-party part: one rule for each merchant, acting through the platform
        ['setupQRCodeJump', '200'],
        ['setupQRCodeJump', '200'],
      ]);
      // each chain's steps, live as each finished, one per line (the site chain's files and the waits for the hosting between them)
      const chain = ['hosting done', 'verify_file done', 'upload done', 'rule done', 'publish done'];
      const site = ['hosting done', 'verify_file done', 'compare done', 'upload done', 'served done', 'rule done', 'publish done'];
      expect([...output.matchAll(/^ {6}(\w+) (\w+): \S.*$/gm)].map((match) => `${match[1]} ${match[2]}`)).toEqual([...chain, ...site, ...chain, ...chain]);
      expect(output.match(/^ {6}file landing\/\S+ uploaded \(\d\/4\)$/gm)).toHaveLength(4);
      expect(output).toMatch(/^ {6}… served, attempt 1: \S+ serves HTTP 404/m);
      // the ticket and both authorizations arrived by push; the tokens came from the shared store
      expect(output.match(/^\[platform\] .*componentEvents answered 200 "success"$/gm)).toHaveLength(3);
      expect(output).toMatch(/^tokens fetched from WeChat: 1 component, 0 authorizer /m);
      const curl = (await run.waitFor(/^ {2}curl -sS -X POST (\S+) -H 'Authorization: Bearer ([^']+)' -H 'Content-Type: application\/json' -d '(.*)'$/m)).slice(1);
      const [url, key, body] = curl as [string, string, string];
      expect(output).toContain(`demo key   ${key}`);
      const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
      expect(response.status).toBe(200);
      const answer = (await response.json()) as Record<string, unknown>;
      // the demo's rules are there, published: its own and the first merchant's (the same Mini Program)
      expect(answer).toMatchObject({ errcode: 0, list_size: 3 });
      expect(answer['rule_list']).toEqual(expect.arrayContaining([expect.objectContaining({ prefix: 'https://demo-env-1a2b3c-1300000001.tcloudbaseapp.com/qr/', state: 2 })]));
      // the printed merchant curl line acts for the second merchant
      const merchantCurl = /^ {2}curl -sS -X POST (\S+) -H 'Authorization: Bearer [^']+' -H 'Content-Type: application\/json' -d '(\{"authorizer_appid".*)'$/m.exec(output);
      const merchantAnswer = await postJson(merchantCurl?.[1] ?? '', key, JSON.parse(merchantCurl?.[2] ?? '{}'));
      expect(merchantAnswer.answer).toMatchObject({ errcode: 0, rule_list: [{ prefix: 'https://shop-env-7g8h9i-1300000005.tcloudbaseapp.com/shop/', state: 2 }] });
      // the verification file is really served by the emulated hosting
      const hosting = /^ {2}hosting {4}(\S+)/m.exec(output)?.[1];
      const file = /^ {4}HTTP 200: (\w+\.txt) \(content (\w+)\)/m.exec(output);
      expect(await (await fetch(`${hosting}qr/${file?.[1]}`)).text()).toBe(file?.[2]);

      // every function works out of the box: market codes act as the service account, hosting with a component token
      const gateway = url.slice(0, url.lastIndexOf('/'));
      expect(output).toMatch(/^ {4}wx3333333333333333 service, env brand-env-4d5e6f: applyCode, applyCodeDownload, applyCodeQuery, codeActive, codeActiveQuery, exportCodePackage, ticketToCode$/m);
      expect(output).toMatch(/^ {4}wx1111111111111111 miniprogram, env demo-env-1a2b3c: addJumpQRCode, .*getStaticHostingDomain, /m);
      const applied = await postJson(`${gateway}/applyCode`, key, { code_count: 10000, isv_application_id: 'start-test-1' });
      expect(applied).toMatchObject({ status: 200, answer: { errcode: 0, application_id: expect.any(String), code_count: 10000 } });
      const queried = await postJson(`${gateway}/applyCodeQuery`, key, { application_id: applied.answer['application_id'] });
      expect(queried).toMatchObject({ status: 200, answer: { errcode: 0, status: expect.stringMatching(/^(PROCESSING|FINISH)$/) } });
      const domain = await postJson(`${gateway}/getStaticHostingDomain`, key, { env: 'demo-env-1a2b3c' });
      expect(domain).toMatchObject({ status: 200, answer: { errcode: 0, env: 'demo-env-1a2b3c', domain: 'demo-env-1a2b3c-1300000001.tcloudbaseapp.com' } });
      // and so do the printed invoke lines, one per group (they carry the variables invoke reads)
      const invokeLines = [...output.matchAll(/^ {2}(WXOPEN_API_BASE=\S+ .* npm run -s invoke -- (\w+) .*)$/gm)];
      expect(invokeLines.map((match) => match[2])).toEqual(['getStaticHostingDomain', 'applyCode']);
      // (npm run -s: no banner, stdout is the answer alone)
      const invoked = await Promise.all(invokeLines.map(async (match) => JSON.parse(await shell(match[1] as string)) as Record<string, unknown>));
      expect(invoked[0]).toMatchObject({ errcode: 0, domain: 'demo-env-1a2b3c-1300000001.tcloudbaseapp.com' });
      expect(invoked[1]).toMatchObject({ errcode: 0, application_id: expect.any(String) });
      // the gateway's request lines are in the functions' log format: JSON lines, since this is no terminal
      const requestLine = (await run.waitFor(/^\{"level":"info","message":"POST \/getJumpQRCode -> 200".*\}$/m))[0];
      expect(JSON.parse(requestLine)).toEqual({ level: 'info', message: 'POST /getJumpQRCode -> 200', status: 200, ms: expect.any(Number), request_id: expect.any(String) });
    } finally {
      run.child.kill('SIGINT');
    }
    expect(await run.exit).toBe(0);
    expect(run.output()).toMatch(/SIGINT: stopping the gateway and the emulator/);
  }, 30000);

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
      // the user's own key is never printed; the curl line leaves it to the shell
      expect(output).not.toContain('my-own-key-1234567890abcdef');
      expect(output).not.toContain('demo key');
      expect(output).toContain('key        the one in WXOPEN_HTTP_KEY (from your environment; not printed)');
      const curl = /^ {2}(curl .*)$/m.exec(output)?.[1] ?? '';
      expect(curl).toContain('-H "Authorization: Bearer $WXOPEN_HTTP_KEY"');
      expect(JSON.parse(await shell(curl, { WXOPEN_HTTP_KEY: 'my-own-key-1234567890abcdef' }))).toMatchObject({ errcode: 0, list_size: 0 });
      expect(upstream.callsTo('cgi-bin/wxopen/qrcodejumpadd')).toHaveLength(0);
      expect(upstream.callsTo('cgi-bin/wxopen/qrcodejumppublish')).toHaveLength(0);
      expect(upstream.callsTo('cgi-bin/wxopen/qrcodejumpget')).toHaveLength(2); // the demo's, the curl line's
    } finally {
      run.child.kill('SIGTERM');
      await upstream.close();
    }
    expect(await run.exit).toBe(0);
  }, 20000);

  it('started through npm, stops both servers when the npm process gets SIGTERM', async () => {
    // npm passes SIGTERM to the shell that runs the script, which dies without passing it on: the
    // script sees its launcher go and closes both servers. Own process group, so that a failure
    // here can still clean up everything this test started.
    const npm = spawn('npm', ['start', '--', '--port', '0', '--emulator-port', '0', '--skip-build'], { cwd: ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let text = '';
    npm.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    npm.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => npm.on('exit', () => resolve()));
    try {
      await until(() => /^Ctrl-C stops\.$/m.test(text), 25000, () => `npm start did not get ready:\n${text}`);
      const ports = ['gateway', 'emulator'].map((name) => Number(new RegExp(`^ {2}${name} +http://127\\.0\\.0\\.1:(\\d+)`, 'm').exec(text)?.[1]));
      expect(ports.every((port) => port > 0)).toBe(true);
      expect(await Promise.all(ports.map(listening))).toEqual([true, true]);
      process.kill(npm.pid as number, 'SIGTERM');
      await exited;
      await until(async () => !(await listening(ports[0] as number)) && !(await listening(ports[1] as number)), 10000, () => `still listening after SIGTERM:\n${text}`);
      expect(text).toMatch(/stopping the gateway and the emulator/);
    } finally {
      try {
        process.kill(-(npm.pid as number), 'SIGKILL'); // whatever of this test's process group is left
      } catch {
        // the group is gone: nothing left behind
      }
    }
  }, 45000);

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

describe('the accounts the functions act as under npm start', () => {
  it('puts every market-code function (every one built on shared/marketcode) with the service account, and only those', async () => {
    const { readFileSync } = await import('node:fs');
    const { functionNames, FUNCTIONS_DIR } = await import('../../scripts/function-catalogue');
    const { MARKET_CODE_FUNCTIONS } = await import('../../scripts/demo/acting-accounts');
    const usesMarketCodes = functionNames().filter((name) => /shared\/marketcode\//.test(readFileSync(join(FUNCTIONS_DIR, name, 'index.ts'), 'utf8')));
    expect([...MARKET_CODE_FUNCTIONS].sort()).toEqual(usesMarketCodes);
  });
});
