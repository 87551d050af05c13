import type { Emulator } from '../../scripts/emulator';
import { loadBundle } from '../support/bundles';
import { useEmulator, HTTP_KEY, ADMIN_OPENID, useAccount, PERSONAL, UNRELEASED, MINI_PROGRAM, SERVICE_ACCOUNT } from '../support/emulator';
import { setEnv } from '../support/env';
import { actAsMiniProgramUser, httpBody, httpEvent } from '../support/events';

const PREFIX = 'https://shop.example.com/qr/';
const RULE = { prefix: PREFIX, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, debug_url: [`${PREFIX}a?id=1`], is_edit: 0 };

const current = useEmulator();
let emulator: Emulator;

beforeEach(() => {
  emulator = current();
  emulator.reset();
  emulator.settings.qrcodeJumpRatePerSecond = 0;
  useAccount(emulator, MINI_PROGRAM.appid, MINI_PROGRAM.secret);
  actAsMiniProgramUser(undefined);
});

describe('over the HTTP access service', () => {
  it('adds, lists, publishes and deletes a rule', async () => {
    const add = await loadBundle('addJumpQRCode')(httpEvent(RULE, HTTP_KEY));
    expect(add['statusCode']).toBe(200);
    expect(httpBody(add)).toEqual({ errcode: 0, errmsg: 'ok', prefix: PREFIX });

    const list = httpBody(await loadBundle('getJumpQRCode')(httpEvent({}, HTTP_KEY)));
    expect(list).toMatchObject({ errcode: 0, list_size: 1, qrcodejump_pub_quota: 100 });
    expect(list['rule_list']).toEqual([{ prefix: PREFIX, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, debug_url: [`${PREFIX}a?id=1`], state: 1 }]);

    expect(httpBody(await loadBundle('publishJumpQRCode')(httpEvent({ prefix: PREFIX }, HTTP_KEY)))).toMatchObject({ errcode: 0 });
    const published = httpBody(await loadBundle('getJumpQRCode')(httpEvent({}, HTTP_KEY)));
    expect(published).toMatchObject({ qrcodejump_pub_quota: 99, rule_list: [{ prefix: PREFIX, state: 2 }] });

    expect(httpBody(await loadBundle('deleteJumpQRCode')(httpEvent({ prefix: PREFIX }, HTTP_KEY)))).toMatchObject({ errcode: 0 });
    expect(httpBody(await loadBundle('getJumpQRCode')(httpEvent({}, HTTP_KEY)))).toMatchObject({ list_size: 0, rule_list: [] });

    // What crossed the wire: WeChat's field names, the token in the query string, never in the body.
    const sent = emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd')[0];
    expect(sent?.body).toEqual(RULE);
    expect(sent?.tokenParam).toBe('access_token');
  });

  it('refuses a call without the key with 401, and WeChat sees nothing', async () => {
    const answer = await loadBundle('addJumpQRCode')(httpEvent(RULE));
    expect(answer['statusCode']).toBe(401);
    expect(httpBody(answer)).toMatchObject({ errcode: 990004, category: 'auth' });
    const wrong = await loadBundle('addJumpQRCode')(httpEvent(RULE, 'not-the-key'));
    expect(wrong['statusCode']).toBe(401);
    expect(emulator.calls).toHaveLength(0);
  });

  it('refuses every HTTP call with 403 when no key is configured', async () => {
    setEnv({ WXOPEN_HTTP_KEY: undefined });
    const answer = await loadBundle('getJumpQRCode')(httpEvent({}, HTTP_KEY));
    expect(answer['statusCode']).toBe(403);
    expect(httpBody(answer)['errcode']).toBe(990005);
    expect(emulator.calls).toHaveLength(0);
  });

  it('answers 405 to a GET and 400 to a body that is not JSON', async () => {
    expect((await loadBundle('getJumpQRCode')(httpEvent(undefined, HTTP_KEY, 'GET')))['statusCode']).toBe(405);
    const event = { ...httpEvent({}, HTTP_KEY), body: '{not json' };
    const answer = await loadBundle('getJumpQRCode')(event);
    expect(answer['statusCode']).toBe(400);
    expect(httpBody(answer)).toMatchObject({ errcode: 990002 });
    expect(emulator.calls).toHaveLength(0);
  });

  it('reads a base64-encoded body', async () => {
    const event = { ...httpEvent({}, HTTP_KEY), body: Buffer.from(JSON.stringify({ prefix: PREFIX })).toString('base64'), isBase64Encoded: true };
    const answer = httpBody(await loadBundle('downloadQRCodeText')(event));
    expect(answer['serve_at']).toMatch(/^https:\/\/shop\.example\.com\/qr\/[A-Za-z0-9]{10}\.txt$/);
  });
});

describe('from a Mini Program (wx.cloud.callFunction)', () => {
  it('serves an OPENID listed in WXOPEN_ADMIN_OPENIDS', async () => {
    actAsMiniProgramUser(ADMIN_OPENID);
    const answer = await loadBundle('downloadQRCodeText')({ userInfo: { appId: 'wx1111111111111111', openId: ADMIN_OPENID } });
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok', file_name: expect.stringMatching(/^[A-Za-z0-9]{10}\.txt$/), file_content: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  it('refuses any other OPENID before calling WeChat', async () => {
    actAsMiniProgramUser('o-someone-else');
    const answer = await loadBundle('addJumpQRCode')(RULE);
    expect(answer).toMatchObject({ errcode: 990006, category: 'auth' });
    expect(String(answer['errmsg'])).toContain('o-someone-else');
    expect(emulator.calls).toHaveLength(0);
  });
});

describe('invoked directly (console, CLI, another function)', () => {
  it('answers in WeChat\'s shape', async () => {
    const answer = await loadBundle('getJumpQRCode')({});
    expect(answer).toMatchObject({ errcode: 0, errmsg: 'ok', list_size: 0 });
  });

  it('names the field and the rule of a bad input, before any network call', async () => {
    const main = loadBundle('addJumpQRCode');
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ ...RULE, prefix: 'mailto:a@b.com' }, 'prefix', /scheme must be http, https or ftp/],
      [{ ...RULE, open_version: 4 }, 'open_version', /1 \(develop\), 2 \(trial\) or 3 \(release\)/],
      [{ ...RULE, debug_url: [`${PREFIX}ok`, 'https://other.example.com/qr/x'] }, 'debug_url[1]', /fall under the prefix/],
      [{ ...RULE, debug_url: Array.from({ length: 6 }, (_, i) => `${PREFIX}${i}`) }, 'debug_url', /at most 5/],
      [{ ...RULE, path: undefined }, 'path', /required/],
      [{ ...RULE, debug_urls: [] }, 'debug_urls', /not a field/],
      [{ prefix: 'https://weixin.qq.com/q/abc', appid: 'wx1111111111111111', path: 'pages/a/a', is_edit: 0 }, 'prefix', /http:\/\/weixin\.qq\.com\/q\//],
    ];
    for (const [input, field, rule] of cases) {
      const answer = await main(input);
      expect(answer).toMatchObject({ errcode: 990001, category: 'input', field });
      expect(String(answer['errmsg'])).toMatch(rule);
    }
    expect(emulator.calls).toHaveLength(0);
  });

  it('passes WeChat\'s own errors through with errcode, errmsg, rid and a hint', async () => {
    const add = loadBundle('addJumpQRCode');
    await add(RULE);
    const again = await add(RULE);
    expect(again).toMatchObject({ errcode: 85071, category: 'input', hint: expect.stringContaining('is_edit=1') });
    expect(String(again['errmsg'])).toMatch(/prefix added repeated rid: [0-9a-f]{8}-/);
    expect(again['rid']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);

    const publish = loadBundle('publishJumpQRCode');
    await publish({ prefix: PREFIX });
    expect(await add({ ...RULE, is_edit: 1 })).toMatchObject({ errcode: 40097 });

    useAccount(emulator, PERSONAL.appid, PERSONAL.secret);
    expect(await loadBundle('downloadQRCodeText')({})).toMatchObject({ errcode: 85075, category: 'setup' });
    useAccount(emulator, UNRELEASED.appid, UNRELEASED.secret);
    const own = 'https://unreleased.example.com/qr';
    expect(await loadBundle('addJumpQRCode')({ ...RULE, prefix: own, debug_url: [] })).toMatchObject({ errcode: 0 });
    expect(await loadBundle('publishJumpQRCode')({ prefix: own })).toMatchObject({ errcode: 85074 });
    expect(await loadBundle('addJumpQRCode')({ ...RULE, is_edit: 0 })).toMatchObject({ errcode: 85072 });
  });
});

describe('service-account rules (a service account with a linked Mini Program)', () => {
  const codes = ['0a', '0b', '0c', '0d', '0e'];
  const prefixOf = (code: string): string => `http://weixin.qq.com/q/${code}`;

  beforeEach(async () => {
    useAccount(emulator, SERVICE_ACCOUNT.appid, SERVICE_ACCOUNT.secret);
    const add = loadBundle('addJumpQRCode');
    for (const code of codes) {
      expect(await add({ prefix: prefixOf(code), appid: MINI_PROGRAM.appid, path: `pages/${code}/index`, is_edit: 0 })).toEqual({ errcode: 0, errmsg: 'ok', prefix: prefixOf(code) });
    }
  });

  it('adds rules with appid and lists the latest ones (get_type 0, the default)', async () => {
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd')[0]?.body).toEqual({ prefix: prefixOf('0a'), appid: MINI_PROGRAM.appid, path: 'pages/0a/index', is_edit: 0 });
    const list = await loadBundle('getJumpQRCode')({ appid: MINI_PROGRAM.appid });
    expect(list).toMatchObject({ errcode: 0, list_size: 5, total_count: 5, qrcodejump_pub_quota: 100 });
    expect(list['rule_list']).toEqual([...codes].reverse().map((code) => ({ prefix: prefixOf(code), path: `pages/${code}/index`, state: 1 })));
    // The ordinary-link listing of the same account does not mix them in.
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ errcode: 0, list_size: 0, rule_list: [] });
  });

  it('lists by prefix_list (get_type 1) and by page (get_type 2), with the total count', async () => {
    const get = loadBundle('getJumpQRCode');
    const byPrefix = await get({ appid: MINI_PROGRAM.appid, get_type: 1, prefix_list: [prefixOf('0b'), prefixOf('0d'), prefixOf('zz')] });
    expect(byPrefix).toMatchObject({ errcode: 0, list_size: 2, total_count: 5 });
    expect((byPrefix['rule_list'] as Array<{ prefix: string }>).map((rule) => rule.prefix).sort()).toEqual([prefixOf('0b'), prefixOf('0d')]);

    const pages = [];
    for (const page_num of [1, 2, 3, 4]) pages.push(await get({ appid: MINI_PROGRAM.appid, get_type: 2, page_num, page_size: 2 }));
    expect(pages.map((page) => page['list_size'])).toEqual([2, 2, 1, 0]);
    expect(pages.every((page) => page['total_count'] === 5)).toBe(true);
    const paged = pages.flatMap((page) => (page['rule_list'] as Array<{ prefix: string }>).map((rule) => rule.prefix));
    expect(paged).toEqual([...codes].reverse().map(prefixOf)); // every rule once, newest first
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpget')[1]?.body).toEqual({ appid: MINI_PROGRAM.appid, get_type: 2, page_num: 1, page_size: 2 });
  });

  it('passes WeChat\'s 40097 through for parameters of another get_type', async () => {
    const get = loadBundle('getJumpQRCode');
    expect(await get({ appid: MINI_PROGRAM.appid, get_type: 2, prefix_list: [prefixOf('0a')], page_num: 1, page_size: 2 })).toMatchObject({ errcode: 40097 });
    expect(await get({ appid: MINI_PROGRAM.appid, get_type: 1 })).toMatchObject({ errcode: 40097 });
    expect(await get({ appid: MINI_PROGRAM.appid, get_type: 2, page_num: 1 })).toMatchObject({ errcode: 40097 });
    expect(await get({ appid: MINI_PROGRAM.appid, page_num: 1, page_size: 2 })).toMatchObject({ errcode: 40097 });
    expect(await get({ get_type: 0 })).toMatchObject({ errcode: 40097 });
  });
});

describe('tokens', () => {
  it('a 40001 costs exactly one token fetch and one retry', async () => {
    const main = loadBundle('getJumpQRCode');
    expect(await main({})).toMatchObject({ errcode: 0 });
    expect(emulator.callsTo('cgi-bin/stable_token')).toHaveLength(1);
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'invalidate_token' });
    expect(await main({})).toMatchObject({ errcode: 0 });
    expect(emulator.callsTo('cgi-bin/stable_token')).toHaveLength(2);
    const gets = emulator.callsTo('cgi-bin/wxopen/qrcodejumpget');
    expect(gets.map((call) => call.errcode)).toEqual([0, 40001, 0]);
  });

  it('an injected 40001 answer also costs one fetch and one retry, and a second one is reported', async () => {
    const main = loadBundle('getJumpQRCode');
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'errcode', errcode: 40001, errmsg: 'invalid credential', times: 2 });
    const answer = await main({});
    expect(answer).toMatchObject({ errcode: 40001, category: 'local' });
    expect(emulator.callsTo('cgi-bin/stable_token')).toHaveLength(2);
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpget')).toHaveLength(2);
  });

  it('200 concurrent calls on a cold instance cost exactly one token fetch', async () => {
    const main = loadBundle('getJumpQRCode');
    const answers = await Promise.all(Array.from({ length: 200 }, () => main({})));
    expect(answers.every((answer) => answer['errcode'] === 0)).toBe(true);
    expect(emulator.callsTo('cgi-bin/stable_token')).toHaveLength(1);
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpget')).toHaveLength(200);
  });

  it('an expired token (42001) is replaced by a fresh one', async () => {
    const main = loadBundle('getJumpQRCode');
    await main({});
    emulator.advanceClock(8000); // past the 7200 s life, so the warm instance holds a dead token
    emulator.tokens.ttlSeconds = 7200;
    const answer = await main({});
    expect(answer).toMatchObject({ errcode: 0 });
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpget').map((call) => call.errcode)).toEqual([0, 42001, 0]);
  });

  it('a wrong app secret is reported with WeChat\'s code and never echoed', async () => {
    setEnv({ WXOPEN_APPSECRET: 'wrong-secret-value-123' });
    const answer = await loadBundle('getJumpQRCode')({});
    expect(answer).toMatchObject({ errcode: 40125, category: 'local' });
    expect(JSON.stringify(answer)).not.toContain('wrong-secret-value-123');
  });

  it('missing credentials are a configuration error naming the variable', async () => {
    setEnv({ WXOPEN_APPID: undefined, WXOPEN_APPSECRET: undefined });
    const answer = await loadBundle('getJumpQRCode')({});
    expect(answer).toMatchObject({ errcode: 990011, field: 'WXOPEN_APPID' });
    setEnv({ WXOPEN_APPID: MINI_PROGRAM.appid });
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ errcode: 990003, field: 'WXOPEN_APPSECRET' });
  });
});

describe('retries', () => {
  it('retries a busy answer (-1) for a read', async () => {
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'errcode', errcode: -1, errmsg: 'system error', times: 2 });
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ errcode: 0 });
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpget')).toHaveLength(3);
  });

  it('never repeats a publish after an unclear failure', async () => {
    await loadBundle('addJumpQRCode')(RULE);
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumppublish', type: 'errcode', errcode: -1, errmsg: 'system error' });
    expect(await loadBundle('publishJumpQRCode')({ prefix: PREFIX })).toMatchObject({ errcode: -1, category: 'busy' });
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumppublish')).toHaveLength(1);
  });

  it('does not repeat an add whose reply was lost, and says it may have taken effect', async () => {
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpadd', type: 'drop_after' });
    const answer = await loadBundle('addJumpQRCode')(RULE);
    expect(answer).toMatchObject({ errcode: 990008, category: 'busy' });
    expect(String(answer['hint'])).toMatch(/may or may not have taken effect/);
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd')).toHaveLength(1);
    // The retry a user makes finishes the job: the rule is there.
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ list_size: 1 });
  });

  it('retries a dropped connection for a read, and stops at the deadline for a slow one', async () => {
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'drop' });
    expect(await loadBundle('getJumpQRCode')({})).toMatchObject({ errcode: 0 });
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpget', type: 'delay', delay_ms: 3000, times: 5 });
    const started = Date.now();
    const answer = await loadBundle('getJumpQRCode')({}, { time_limit_in_ms: 1500 });
    expect(answer).toMatchObject({ errcode: 990007 });
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('retries an add refused by the rate limit (44990): WeChat did nothing, so it cannot happen twice', async () => {
    emulator.faults.add({ path: 'cgi-bin/wxopen/qrcodejumpadd', type: 'errcode', errcode: 44990, errmsg: 'reach max api minute limit' });
    expect(await loadBundle('addJumpQRCode')(RULE)).toMatchObject({ errcode: 0 });
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd').map((call) => call.errcode)).toEqual([44990, 0]);
  });

  it('rate limit 44990 is retried with backoff for a read', async () => {
    emulator.settings.qrcodeJumpRatePerSecond = 5;
    const main = loadBundle('getJumpQRCode');
    const answers = await Promise.all(Array.from({ length: 7 }, () => main({})));
    expect(answers.every((answer) => answer['errcode'] === 0)).toBe(true);
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpget').some((call) => call.errcode === 44990)).toBe(true);
  });
});
