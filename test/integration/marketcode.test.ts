import { spawnSync } from 'node:child_process';
import type { Emulator } from '../../scripts/emulator';
import { codeOf, codeUrlOf } from '../../scripts/emulator/marketcode-codes';
import { marketCodeStateOf } from '../../scripts/emulator/modules/marketcode';
import { loadBundle } from '../support/bundles';
import { useMarketCodeEmulator } from '../support/marketcode';
import { HTTP_KEY, MINI_PROGRAM, SERVICE_ACCOUNT, useAccount } from '../support/emulator';
import { setEnv } from '../support/env';
import { httpBody, httpEvent } from '../support/events';

import { encryptCodePackage } from '../../shared/marketcode/decrypt';

const KEY = SERVICE_ACCOUNT.marketcodeKey as string;
const ABOVE_2_53 = 2n ** 54n + 1n; // 18014398509481985: a double would round it to ...984

const currentEmulator = useMarketCodeEmulator();
let emulator: Emulator;
beforeEach(() => {
  emulator = currentEmulator();
});

async function call(name: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  return loadBundle(name)(input);
}

/** Applies for codes and lets the emulator's clock run until the application is FINISH. */
async function finishedApplication(codeCount: number, isv = `batch-${codeCount}`): Promise<string> {
  const applied = await call('applyCode', { code_count: codeCount, isv_application_id: isv });
  expect(applied).toMatchObject({ errcode: 0 });
  emulator.advanceClock(emulator.settings.marketcodeFinishDelaySeconds);
  return applied['application_id'] as string;
}

function opensslEncrypt(plaintext: string, keyText: string): string {
  const hex = Buffer.from(keyText, 'utf8').toString('hex');
  const result = spawnSync('openssl', ['enc', '-aes-128-cbc', '-K', hex, '-iv', hex, '-base64', '-A'], { input: plaintext });
  if (result.status !== 0) throw new Error(`openssl failed: ${result.stderr.toString()}`);
  return result.stdout.toString('ascii');
}

describe('applying for codes', () => {
  it('treats isv_application_id as the idempotency key', async () => {
    const first = await call('applyCode', { code_count: 60000, isv_application_id: 'order-2026-001' });
    expect(first).toEqual({ errcode: 0, errmsg: 'ok', application_id: '581865877', isv_application_id: 'order-2026-001', code_count: 60000 });
    const again = await call('applyCode', { code_count: 60000, isv_application_id: 'order-2026-001' });
    expect(again['application_id']).toBe(first['application_id']);
    expect(marketCodeStateOf(emulator).applications.size).toBe(1);

    const conflicting = await call('applyCode', { code_count: 70000, isv_application_id: 'order-2026-001' });
    expect(conflicting).toMatchObject({ errcode: 40097, category: 'input', hint: expect.stringContaining('isv_application_id') });
    expect(String(conflicting['errmsg'])).toMatch(/already used with code_count 60000/);
  });

  it('retries an applycode whose answer was lost, and still creates one application', async () => {
    emulator.faults.add({ path: 'intp/marketcode/applycode', type: 'drop_after' });
    const answer = await call('applyCode', { code_count: 10000, isv_application_id: 'lost-answer' });
    expect(answer).toMatchObject({ errcode: 0, application_id: '581865877' });
    expect(emulator.callsTo('intp/marketcode/applycode')).toHaveLength(2);
    expect(marketCodeStateOf(emulator).applications.size).toBe(1);
  });

  it('checks the code_count rule before calling WeChat', async () => {
    for (const [count, rule] of [
      [9999, /at least 10000/],
      [25000, /multiple of 10000/],
      [20010000, /at most 20000000/],
      ['10000', /must be a number/],
    ] as const) {
      const answer = await call('applyCode', { code_count: count, isv_application_id: 'x' });
      expect(answer).toMatchObject({ errcode: 990001, field: 'code_count' });
      expect(String(answer['errmsg'])).toMatch(rule);
    }
    expect(emulator.calls).toHaveLength(0);
  });

  it('reports PROCESSING with the segments generated so far, then FINISH with all of them', async () => {
    emulator.settings.marketcodeFinishDelaySeconds = 10;
    const { application_id } = await call('applyCode', { code_count: 120000, isv_application_id: 'slow' });
    expect(await call('applyCodeQuery', { application_id })).toMatchObject({ status: 'PROCESSING', code_generate_list: [] });
    emulator.advanceClock(7);
    expect(await call('applyCodeQuery', { isv_application_id: 'slow' })).toMatchObject({
      status: 'PROCESSING',
      code_generate_list: [{ code_start: 0, code_end: 49999 }, { code_start: 50000, code_end: 99999 }],
    });
    emulator.advanceClock(3);
    const done = await call('applyCodeQuery', { application_id });
    expect(done).toMatchObject({ errcode: 0, status: 'FINISH', application_id, isv_application_id: 'slow' });
    expect(done['code_generate_list']).toEqual([
      { code_start: 0, code_end: 49999 },
      { code_start: 50000, code_end: 99999 },
      { code_start: 100000, code_end: 119999 },
    ]);
  });

  it('refuses every account but a service account (48001)', async () => {
    useAccount(emulator, MINI_PROGRAM.appid, MINI_PROGRAM.secret);
    expect(await call('applyCode', { code_count: 10000, isv_application_id: 'x' })).toMatchObject({ errcode: 48001, category: 'setup' });
  });
});

describe('64-bit application ids', () => {
  it('never loses a digit of an id above 2^53, in or out', async () => {
    marketCodeStateOf(emulator).nextApplicationId = ABOVE_2_53;
    const applied = await call('applyCode', { code_count: 10000, isv_application_id: 'big' });
    expect(applied['application_id']).toBe('18014398509481985');
    emulator.advanceClock(emulator.settings.marketcodeFinishDelaySeconds);

    const query = await call('applyCodeQuery', { application_id: '18014398509481985' });
    expect(query).toMatchObject({ errcode: 0, status: 'FINISH', application_id: '18014398509481985' });
    // The body carried the bare digits (the emulator's lossless parser keeps them as text).
    expect(emulator.callsTo('intp/marketcode/applycodequery')[0]?.body).toEqual({ application_id: '18014398509481985' });

    // Over HTTP the same id may arrive as a JSON number: the lossless reading keeps it whole.
    const event = { ...httpEvent({}, HTTP_KEY), body: '{"application_id":18014398509481985,"code_start":0,"code_end":9999}' };
    const downloaded = httpBody(await loadBundle('applyCodeDownload')(event));
    expect(downloaded).toMatchObject({ errcode: 0, application_id: '18014398509481985', code_count: 10000 });
  });

  it('refuses a number that has already lost digits, and a malformed id', async () => {
    for (const [id, rule] of [
      [18014398509481984, /above 2\^53 .*decimal string/],
      ['18446744073709551616', /larger than a 64-bit id/],
      ['0x1F', /positive whole number/],
      [-5, /positive whole number/],
    ] as const) {
      const answer = await call('applyCodeQuery', { application_id: id });
      expect(answer).toMatchObject({ errcode: 990001, field: 'application_id' });
      expect(String(answer['errmsg'])).toMatch(rule);
    }
    expect(emulator.calls).toHaveLength(0);
  });
});

describe('applyCodeDownload', () => {
  it('returns exactly the plaintext an independent tool (openssl enc) encrypted', async () => {
    const application_id = await finishedApplication(10000);
    const plaintext = ['0,K7Q2M9XPA,P.URL.CN/0U.JYJXP3HJI2C98A9O', '1,B3D5F7H9J,P.URL.CN/0U.K2M8Q0ZLW5T1B7RC', '2,Z9Y8X7W6V,P.URL.CN/0U.A1B2C3D4E5F6G7H8', ''].join('\n');
    marketCodeStateOf(emulator).overridePackage(BigInt(application_id), 0, 9999, opensslEncrypt(plaintext, KEY));
    const answer = await call('applyCodeDownload', { application_id, code_start: 0, code_end: 9999 });
    expect(answer).toMatchObject({ errcode: 0, application_id, code_start: 0, code_end: 9999, code_count: 3, header: null, prefix_stripped: false });
    expect(answer['text']).toBe(plaintext);
    expect(answer['lines']).toEqual(plaintext.trim().split('\n'));
    expect(answer).not.toHaveProperty('buffer');
  });

  it('decrypts a whole 50 000-code segment generated by the emulator', async () => {
    const application_id = await finishedApplication(60000);
    const state = marketCodeStateOf(emulator);
    const application = state.applications.get(application_id)!;
    const answer = await call('applyCodeDownload', { application_id: Number(application_id), code_start: 0, code_end: 49999 });
    expect(answer).toMatchObject({ errcode: 0, code_count: 50000 });
    expect(answer['text']).toBe(state.plaintextOf(application, 0, 49999));
    expect((answer['lines'] as string[])[49999]).toBe(`49999,${codeOf({ serial: 1, codeIndex: 49999 })},${codeUrlOf({ serial: 1, codeIndex: 49999 })}`);
    // One read of the application, one download: the ciphertext never reaches the answer.
    expect(emulator.callsTo('intp/marketcode/applycodequery')).toHaveLength(1);
    expect(emulator.callsTo('intp/marketcode/applycodedownload')).toHaveLength(1);
  });

  it('answers the text or the lines alone on request, and refuses an answer over 6 MB', async () => {
    const application_id = await finishedApplication(10000);
    const lines = await call('applyCodeDownload', { application_id, code_start: 0, code_end: 9999, output: 'lines' });
    expect(lines).toMatchObject({ errcode: 0, code_count: 10000 });
    expect(lines).not.toHaveProperty('text');
    const text = await call('applyCodeDownload', { application_id, code_start: 0, code_end: 9999, output: 'text' });
    expect(text).not.toHaveProperty('lines');
    expect(String(text['text']).trim().split('\n')).toEqual(lines['lines']);
    // 50 000 lines of 100 bytes: 5 MB of text, 10 MB as both.
    const big = Array.from({ length: 50000 }, (_, i) => `${i},${'X'.repeat(96 - String(i).length)}`).join('\n');
    marketCodeStateOf(emulator).overridePackage(BigInt(application_id), 0, 9999, encryptCodePackage(big, Buffer.from(KEY, 'utf8')));
    const refused = await call('applyCodeDownload', { application_id, code_start: 0, code_end: 9999 });
    expect(refused).toMatchObject({ errcode: 990212, field: 'output', hint: expect.stringContaining('exportCodePackage') });
    expect(await call('applyCodeDownload', { application_id, code_start: 0, code_end: 9999, output: 'text' })).toMatchObject({ errcode: 0, code_count: 50000 });
  });

  it('gives a clear error for each bad input', async () => {
    const application_id = await finishedApplication(60000);
    const cases: Array<[Record<string, string | undefined>, Record<string, unknown>, number, RegExp]> = [
      [{ WXOPEN_MARKETCODE_KEY: undefined }, { application_id, code_start: 0, code_end: 49999 }, 990201, /WXOPEN_MARKETCODE_KEY is not set/],
      [{ WXOPEN_MARKETCODE_KEY: 'short-key' }, { application_id, code_start: 0, code_end: 49999 }, 990201, /exactly 16 bytes.*it is 9 bytes/],
      [{}, { application_id, code_start: 50000, code_end: 49999 }, 990001, /code_end: must not be less than code_start/],
      [{}, { application_id, code_start: 0, code_end: 9999 }, 990211, /0-9999 is not a generated segment.*0-49999, 50000-59999/],
      [{}, { application_id, code_start: 0, code_end: 49999, env: 'x' }, 990001, /env: is not a field/],
    ];
    for (const [env, input, errcode, message] of cases) {
      setEnv({ WXOPEN_MARKETCODE_KEY: KEY, ...env });
      const answer = await call('applyCodeDownload', input);
      expect(answer).toMatchObject({ errcode });
      expect(String(answer['errmsg'])).toMatch(message);
    }
    // The key and the range are checked before anything is downloaded.
    expect(emulator.callsTo('intp/marketcode/applycodedownload')).toHaveLength(0);

    setEnv({ WXOPEN_MARKETCODE_KEY: 'AAAAAAAAAAAAAAAA' });
    const wrongKey = await call('applyCodeDownload', { application_id, code_start: 0, code_end: 49999 });
    expect(wrongKey).toMatchObject({ errcode: 990203 });
    expect(String(wrongKey['errmsg'])).toMatch(/wrong key/);
  });

  it('refuses an application that is not FINISH, naming its status', async () => {
    const { application_id } = await call('applyCode', { code_count: 10000, isv_application_id: 'not-yet' });
    const answer = await call('applyCodeDownload', { application_id, code_start: 0, code_end: 9999 });
    expect(answer).toMatchObject({ errcode: 990210, category: 'busy' });
    expect(String(answer['errmsg'])).toMatch(/status is "PROCESSING", not "FINISH"/);
    expect(emulator.callsTo('intp/marketcode/applycodedownload')).toHaveLength(0);
  });
});

describe('activation, lookup and scans', () => {
  const ACTIVATION = {
    activity_name: 'Spring promotion',
    product_brand: 'Brand',
    product_title: 'Green tea 500 ml',
    product_code: '6901234567892',
    wxa_appid: MINI_PROGRAM.appid,
    wxa_path: 'pages/scan/index',
  };

  it('activates a range, finds a code three ways, and turns a scan ticket into the code', async () => {
    const application_id = await finishedApplication(20000);
    expect(await call('codeActive', { application_id, ...ACTIVATION, code_start: 0, code_end: 9999 })).toEqual({
      errcode: 0,
      errmsg: 'ok',
      application_id,
      code_start: 0,
      code_end: 9999,
    });
    const code = codeOf({ serial: 1, codeIndex: 42 });
    const expected = { errcode: 0, code, application_id, isv_application_id: 'batch-20000', ...ACTIVATION, wxa_type: 0, code_start: 0, code_end: 9999, activated: true };
    expect(await call('codeActiveQuery', { application_id, code_index: 42 })).toEqual({ errmsg: 'ok', ...expected });
    expect(await call('codeActiveQuery', { code })).toMatchObject(expected);
    expect(await call('codeActiveQuery', { code_url: codeUrlOf({ serial: 1, codeIndex: 42 }) })).toMatchObject(expected);
    expect(await call('codeActiveQuery', { application_id, code_index: 15000 })).toMatchObject({ errcode: 0, activated: false });

    const code_ticket = marketCodeStateOf(emulator).scan({ serial: 1, codeIndex: 42 }, 'o-user-1');
    expect(await call('ticketToCode', { openid: 'o-user-1', code_ticket })).toMatchObject(expected);
    const stranger = await call('ticketToCode', { openid: 'o-user-2', code_ticket });
    expect(stranger).toMatchObject({ errcode: 40097 });
  });

  it('treats the same range as an edit and refuses an overlapping one', async () => {
    const application_id = await finishedApplication(20000);
    expect(await call('codeActive', { application_id, ...ACTIVATION, code_start: 0, code_end: 9999 })).toMatchObject({ errcode: 0 });
    // A retry after a lost answer (drop_after) repeats the edit harmlessly.
    emulator.faults.add({ path: 'intp/marketcode/codeactive', type: 'drop_after' });
    expect(await call('codeActive', { application_id, ...ACTIVATION, activity_name: 'Summer', code_start: 0, code_end: 9999 })).toMatchObject({ errcode: 0 });
    expect(await call('codeActiveQuery', { application_id, code_index: 1 })).toMatchObject({ activity_name: 'Summer' });

    const overlap = await call('codeActive', { application_id, ...ACTIVATION, code_start: 5000, code_end: 14999 });
    expect(overlap).toMatchObject({ errcode: 40097 });
    expect(String(overlap['errmsg'])).toMatch(/overlaps the activated range 0-9999/);
  });

  it('checks activation and lookup inputs before calling WeChat', async () => {
    const cases: Array<[Record<string, unknown>, string, string, RegExp]> = [
      ['codeActive', { application_id: '1', ...ACTIVATION, code_start: 10, code_end: 9 }, 'code_end', /not be less than code_start/],
      ['codeActive', { application_id: '1', ...ACTIVATION, wxa_type: 3, code_start: 0, code_end: 9 }, 'wxa_type', /0 \(release/],
      ['codeActive', { application_id: '1', ...ACTIVATION, wxa_appid: 'nope', code_start: 0, code_end: 9 }, 'wxa_appid', /Mini Program appid/],
      ['codeActiveQuery', { code: 'TOO-LONG-CODE' }, 'code', /9-character code/],
      ['codeActiveQuery', { application_id: '1' }, 'code_index', /required/],
      ['ticketToCode', { openid: 'o-1' }, 'code_ticket', /required/],
      ['applyCodeQuery', {}, 'application_id', /exactly one of application_id and isv_application_id/],
    ].map(([name, input, field, rule]) => [input as Record<string, unknown>, name as string, field as string, rule as RegExp]);
    for (const [input, name, field, rule] of cases) {
      const answer = await call(name, input);
      expect(answer).toMatchObject({ errcode: 990001, field });
      expect(String(answer['errmsg'])).toMatch(rule);
    }
    expect(emulator.calls).toHaveLength(0);
  });
});
