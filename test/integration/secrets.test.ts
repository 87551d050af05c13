import type { Emulator } from '../../scripts/emulator';
import { loadBundle } from '../support/bundles';
import { useEmulator, HTTP_KEY, MINI_PROGRAM } from '../support/emulator';
import { setEnv } from '../support/env';
import { httpEvent } from '../support/events';

/** Emulator tokens look like AT_<32 base64url chars>. */
const TOKEN = /\b(AT|CT|CB)_[A-Za-z0-9_-]{20,}/;

const current = useEmulator();
let emulator: Emulator;
let printed: string[];

beforeEach(() => {
  emulator = current();
  emulator.reset();
  printed = [];
  setEnv({ WXOPEN_LOG_LEVEL: 'debug' });
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
  }
});
afterEach(() => jest.restoreAllMocks());

function expectNoSecret(answers: unknown[]): void {
  const everything = [...printed, ...answers.map((answer) => JSON.stringify(answer))].join('\n');
  expect(printed.length).toBeGreaterThan(0);
  expect(everything).not.toMatch(TOKEN);
  expect(everything).not.toContain(MINI_PROGRAM.secret);
  expect(everything).not.toContain(HTTP_KEY);
}

describe('secrets never reach a log line or an answer', () => {
  it('through a token refresh, a retry and a WeChat error', async () => {
    const get = loadBundle('getJumpQRCode');
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'invalidate_token' });
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'errcode', errcode: -1, errmsg: 'system error' });
    const answers = [await get({}), await get(httpEvent({}, HTTP_KEY)), await get(httpEvent({}, 'wrong-key'))];
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'errcode', errcode: 40001, errmsg: 'invalid credential', times: 2 });
    answers.push(await get({}));
    expect(answers.map((answer) => answer['errcode'] ?? answer['statusCode'])).toEqual([0, 200, 401, 40001]);
    expectNoSecret(answers);
  });

  it('in the readable text log format too (what a terminal gets)', async () => {
    setEnv({ WXOPEN_LOG_FORMAT: 'text' });
    try {
      const get = loadBundle('getJumpQRCode');
      emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'invalidate_token' });
      emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'http_error', status: 502, times: 10 });
      const answers = [await get({}), await get(httpEvent({}, HTTP_KEY)), await get(httpEvent({}, 'wrong-key'))];
      expect(printed.some((line) => /^\d\d:\d\d:\d\d\.\d{3} (DEBUG|INFO|WARN|ERROR) /.test(line))).toBe(true);
      expectNoSecret(answers);
    } finally {
      setEnv({ WXOPEN_LOG_FORMAT: undefined });
    }
  });

  it('when a gateway error page echoes the request URL, token included', async () => {
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'http_error', status: 502, times: 10 });
    const answer = await loadBundle('getJumpQRCode')({});
    expect(answer).toMatchObject({ errcode: 990014 });
    expectNoSecret([answer]);
  });

  it('when WeChat echoes the app secret in its errmsg', async () => {
    emulator.faults.add({ path: 'cgi-bin/stable_token', type: 'errcode', errcode: 45009, errmsg: `reach max api daily quota limit for ${MINI_PROGRAM.secret}` });
    const answer = await loadBundle('getJumpQRCode')({});
    expect(answer).toMatchObject({ errcode: 45009, category: 'quota' });
    expect(String(answer['errmsg'])).toContain('reach max api daily quota limit for ***');
    expectNoSecret([answer]);
  });

  it('when a message quotes JSON with a token inside', async () => {
    const { log } = await import('../../shared/log');
    log('warn', 'upstream said {"token":"SECRET-VALUE-123456","access_token":"AT_abcdefghijklmnopqrstuvwx"}', { detail: 'access_token=AT_abcdefghijklmnopqrstuvwx' });
    expect(printed.join('\n')).not.toMatch(/SECRET-VALUE-123456|AT_abcdefghijklmnopqrstuvwx/);
  });

  it('when the app secret is wrong', async () => {
    setEnv({ WXOPEN_APPSECRET: 'a-wrong-but-secret-value' });
    const answer = await loadBundle('getJumpQRCode')({});
    expect(answer).toMatchObject({ errcode: 40125 });
    expect(JSON.stringify(answer) + printed.join('\n')).not.toContain('a-wrong-but-secret-value');
    setEnv({ WXOPEN_APPSECRET: MINI_PROGRAM.secret });
  });
});
