import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Deadline } from '../../shared/deadline';
import { emitProgress, PROGRESS_SINK, type ProgressEvent } from '../../shared/progress/events';
import { describeObservation, probeOnce, probeTargetFor } from '../../shared/static-hosting/hosting-probe';
import { waitUntilServed } from '../../shared/static-hosting/wait-until-served';

// What the verification check fetches and how it reads the answer, against small local servers.

let server: Server;
let origin = '';
let outsiderHits = 0;
let outsider: Server;
let outsiderOrigin = '';

beforeAll(async () => {
  outsider = createServer((_request, response) => {
    outsiderHits++;
    response.end('CONTENT');
  });
  await new Promise<void>((resolve) => outsider.listen(0, '127.0.0.1', () => resolve()));
  outsiderOrigin = `http://127.0.0.1:${(outsider.address() as AddressInfo).port}`;
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/__hosting/env-1/right.txt') response.end('CONTENT\n');
    else if (path === '/__hosting/env-1/moved') response.writeHead(301, { location: '/__hosting/env-1/right.txt' }).end();
    else if (path === '/__hosting/env-1/away') response.writeHead(302, { location: `${outsiderOrigin}/right.txt?sign=secret-signature` }).end();
    else if (path === '/__hosting/env-1/wrong.txt') response.end('x'.repeat(100));
    else response.writeHead(404).end('missing');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await new Promise<void>((resolve) => outsider.close(() => resolve()));
});

describe('which URL the check fetches', () => {
  it('the URL itself against WeChat; the env\'s hosting route on any other API base', () => {
    expect(probeTargetFor('https://d.tcloudbaseapp.com/qr/a.txt', 'env-1', 'https://api.weixin.qq.com')).toEqual({ fetchUrl: 'https://d.tcloudbaseapp.com/qr/a.txt', via: 'public' });
    expect(probeTargetFor('http://shop.example.com/a.txt', 'env-1', 'https://api.weixin.qq.com')).toEqual({ fetchUrl: 'http://shop.example.com/a.txt', via: 'public' });
    expect(probeTargetFor('ftp://shop.example.com/a.txt', 'env-1', 'https://api.weixin.qq.com')).toEqual({ unsupported: expect.stringContaining('over ftp') });
    expect(probeTargetFor('https://d.tcloudbaseapp.com/qr/a.txt', 'env-1', 'http://127.0.0.1:8787')).toEqual({ fetchUrl: 'http://127.0.0.1:8787/__hosting/env-1/qr/a.txt', via: 'emulator' });
  });
});

describe('what one look sees', () => {
  it('the exact content (white space around it aside), other content, a status', async () => {
    expect(await probeOnce(`${origin}/__hosting/env-1/right.txt`, 'CONTENT', 1000)).toEqual({ kind: 'served' });
    const other = await probeOnce(`${origin}/__hosting/env-1/wrong.txt`, 'CONTENT', 1000);
    expect(describeObservation(other)).toBe(`other content (100 bytes: "${'x'.repeat(40)}…")`);
    expect(await probeOnce(`${origin}/__hosting/env-1/none.txt`, 'CONTENT', 1000)).toEqual({ kind: 'status', status: 404 });
    expect(await probeOnce('http://127.0.0.1:9/x', 'CONTENT', 1000)).toEqual({ kind: 'nothing', reason: 'the connection failed' });
  });

  it('follows a redirect within the origin, never one off it (and never quotes its query)', async () => {
    expect(await probeOnce(`${origin}/__hosting/env-1/moved`, 'CONTENT', 1000)).toEqual({ kind: 'served' });
    const away = await probeOnce(`${origin}/__hosting/env-1/away`, 'CONTENT', 1000);
    expect(away).toEqual({ kind: 'redirect', status: 302, location: `${outsiderOrigin}/right.txt` });
    expect(describeObservation(away)).toMatch(/^a redirect \(HTTP 302 to http:\/\/127\.0\.0\.1:\d+\/right\.txt\), not followed/);
    expect(outsiderHits).toBe(0);
  });
});

describe('waiting until served', () => {
  it('stops inside the budget with an error naming the URL and what was served, telling each attempt', async () => {
    const attempts: string[] = [];
    const started = Date.now();
    const wait = waitUntilServed({
      url: 'https://d.tcloudbaseapp.com/away',
      env: 'env-1',
      expected: 'CONTENT',
      apiBase: origin,
      deadline: new Deadline(Date.now() + 900),
      reserveMs: 200,
      onAttempt: (attempt, seen, retry) => attempts.push(`${attempt} ${seen.kind} ${retry ?? 'last'}`),
    });
    await expect(wait).rejects.toMatchObject({ errcode: 990307, message: expect.stringMatching(/^https:\/\/d\.tcloudbaseapp\.com\/away does not serve the verification file yet: it served a redirect \(HTTP 302 to http:\/\/127\.0\.0\.1:\d+\/right\.txt\)/) });
    expect(Date.now() - started).toBeLessThan(900);
    expect(attempts[0]).toBe('1 redirect 100');
    expect(attempts[attempts.length - 1]).toMatch(/redirect last$/);
    expect(outsiderHits).toBe(0);
  });

  it('answers as soon as the content is there', async () => {
    const outcome = await waitUntilServed({ url: 'https://d.tcloudbaseapp.com/right.txt', env: 'env-1', expected: 'CONTENT', apiBase: origin, deadline: new Deadline(Date.now() + 5000), reserveMs: 100 });
    expect(outcome).toMatchObject({ checked: true, attempts: 1 });
  });
});

describe('live progress', () => {
  it('goes to the host\'s sink when one is installed (redacted), to a log line otherwise', () => {
    const seen: ProgressEvent[] = [];
    const globals = globalThis as Record<symbol, unknown>;
    globals[PROGRESS_SINK] = (event: ProgressEvent) => seen.push(event);
    try {
      emitProgress({ kind: 'step', workflow: 'w', step: 'upload', status: 'failed', detail: 'PUT https://x/?q-signature=abcdef failed' });
    } finally {
      delete globals[PROGRESS_SINK];
    }
    expect(seen).toEqual([{ kind: 'step', workflow: 'w', step: 'upload', status: 'failed', detail: 'PUT https://x/?q-signature=*** failed' }]);
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    const level = process.env['WXOPEN_LOG_LEVEL'];
    process.env['WXOPEN_LOG_LEVEL'] = 'info';
    process.env['WXOPEN_LOG_FORMAT'] = 'json';
    try {
      emitProgress({ kind: 'file', workflow: 'w', key: 'a.js', outcome: 'uploaded', done: 1, total: 2 });
    } finally {
      spy.mockRestore();
      if (level === undefined) delete process.env['WXOPEN_LOG_LEVEL'];
      else process.env['WXOPEN_LOG_LEVEL'] = level;
      delete process.env['WXOPEN_LOG_FORMAT'];
    }
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'info', message: 'progress', kind: 'file', key: 'a.js', outcome: 'uploaded', done: 1, total: 2 });
  });
});
