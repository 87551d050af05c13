/**
 * A real headless Chromium for tests, driven over the DevTools protocol on a pipe
 * (`--remote-debugging-pipe`: fd 3 to the browser, fd 4 from it, messages ended by NUL), so no
 * WebSocket or browser library is needed. `findChromium()` looks for the system's browser
 * (CHROMIUM_PATH, then chromium / chromium-browser / google-chrome on PATH); tests skip, saying
 * so, only when there is none.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

const CANDIDATES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The browser's executable, or undefined when this machine has none. */
export function findChromium(): string | undefined {
  const given = process.env['CHROMIUM_PATH'];
  if (given !== undefined && given !== '' && existsSync(given)) return given;
  for (const name of CANDIDATES) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    const path = found.stdout.trim();
    if (found.status === 0 && path !== '') return path;
  }
  return undefined;
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** One page (tab) of the browser: evaluate script in it, wait for a condition, take a screenshot. */
export interface BrowserPage {
  /** Runs `expression` in the page (awaiting a promise) and gives its value (JSON-serialisable). */
  evaluate<T>(expression: string): Promise<T>;
  /** Polls `expression` until it is truthy; throws with `what` after `timeoutMs`. */
  waitFor(expression: string, what: string, timeoutMs?: number): Promise<void>;
  /** A PNG of the viewport. */
  screenshot(): Promise<Buffer>;
}

export interface Browser {
  open(url: string, viewport?: { width: number; height: number }): Promise<BrowserPage>;
  close(): Promise<void>;
}

/**
 * Kills what is left of the process group `pgid` (helper processes that outlive the browser). A
 * killed process writes nothing more; its zombie may linger until PID 1 reaps it, which need not be
 * waited for.
 */
function killGroup(pgid: number | undefined): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

/** Starts headless Chromium (a fresh profile, removed on close). */
export async function launchChromium(executable: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'wxopen-chromium-'));
  const child: ChildProcess = spawn(
    executable,
    ['--headless=new', '--remote-debugging-pipe', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--hide-scrollbars', `--user-data-dir=${profile}`, 'about:blank'],
    // A process group of its own: at close, the helper processes the browser started go with it.
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true },
  );
  const toBrowser = child.stdio[3] as Writable;
  const fromBrowser = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let buffer = '';
  let exited = false;
  fromBrowser.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end = buffer.indexOf('\0');
    while (end >= 0) {
      const message = JSON.parse(buffer.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
      buffer = buffer.slice(end + 1);
      end = buffer.indexOf('\0');
      if (message.id === undefined) continue; // an event: nothing here waits for one
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result ?? {});
    }
  });
  child.on('exit', () => {
    exited = true;
    for (const waiter of pending.values()) waiter.reject(new Error(`chromium exited: ${stderr}`));
    pending.clear();
  });

  function send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    if (exited) return Promise.reject(new Error(`chromium is not running: ${stderr}`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      toBrowser.write(`${JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) })}\0`);
    });
  }

  await send('Browser.getVersion');

  return {
    async open(url, viewport = { width: 1280, height: 900 }) {
      const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
      const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
      await send('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 1, mobile: false }, sessionId);
      await send('Page.enable', {}, sessionId);
      await send('Page.navigate', { url }, sessionId);
      const page: BrowserPage = {
        async evaluate<T>(expression: string): Promise<T> {
          const reply = (await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId)) as { result?: { value?: unknown }; exceptionDetails?: { text?: string; exception?: { description?: string } } };
          if (reply.exceptionDetails !== undefined) throw new Error(`in the page: ${reply.exceptionDetails.exception?.description ?? reply.exceptionDetails.text ?? 'exception'}`);
          return reply.result?.value as T;
        },
        async waitFor(expression, what, timeoutMs = 5000) {
          const until = Date.now() + timeoutMs;
          for (;;) {
            if ((await page.evaluate<unknown>(`Boolean(${expression})`)) === true) return;
            if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        },
        async screenshot() {
          const { data } = (await send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
          return Buffer.from(data, 'base64');
        },
      };
      await page.waitFor("document.readyState === 'complete' && location.href !== 'about:blank'", `${url} to load`, 10_000);
      return page;
    },
    async close() {
      if (!exited) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([send('Browser.close').catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
        clearTimeout(timer);
        if (!exited) child.kill('SIGKILL');
      }
      await new Promise<void>((resolve) => (exited ? resolve() : child.once('exit', () => resolve())));
      // The pipes stay open after the exit; left so, they keep the test process alive.
      toBrowser.destroy();
      fromBrowser.destroy();
      child.stderr?.destroy();
      // Chromium's helper processes can outlive the browser process and still write into the
      // profile (ENOTEMPTY on removal): the whole group is killed first, then removal retries a while.
      killGroup(child.pid);
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
    },
  };
}
