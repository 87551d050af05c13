import fc from 'fast-check';
import { isHttpUrl, loadConfig } from '../../shared/config';
import { Deadline } from '../../shared/deadline';
import { callEnvironment, readWxContext } from '../../shared/handler/wx-context';
import { identifyCaller } from '../../shared/handler/caller';
import { authorize } from '../../shared/handler/authorize';
import { qrcodeJump } from '../../shared/qrcode-jump/api';
import type { WeChatClient } from '../../shared/wechat-client';
import { parseJson, stringifyJson } from '../../shared/json';
import { redact } from '../../shared/redact';
import { linkMatchesPrefix, prefixProblem, verificationFileUrl } from '../../shared/qrcode-jump/prefix-rules';

describe('64-bit safe JSON', () => {
  it('keeps ids past 2^53 whole, as decimal strings', () => {
    expect(parseJson('{"application_id":18446744073709551615,"n":581865877,"f":1.5}')).toEqual({ application_id: '18446744073709551615', n: 581865877, f: 1.5 });
  });
  it('writes a bigint as a bare JSON number', () => {
    expect(stringifyJson({ application_id: 18446744073709551615n })).toBe('{"application_id":18446744073709551615}');
  });
});

describe('redact', () => {
  it('hides tokens, secrets and signatures', () => {
    const text = redact('POST /x?access_token=AT_abc&b=1 {"secret":"s3cr3t","token":"cos"} https://b.cos.ap-shanghai.myqcloud.com/f?sign=q-sign-algorithm%3Dsha1 authorization: Bearer k3y');
    expect(text).not.toMatch(/AT_abc|s3cr3t|"cos"|q-sign-algorithm|k3y/);
    expect(text).toContain('access_token=***');
  });
});

describe('configuration', () => {
  it('defaults to WeChat and treats "" as unset', () => {
    const config = loadConfig({ WXOPEN_API_BASE: '', WXOPEN_ADMIN_OPENIDS: ' a, b ,,' });
    expect(config.apiBase).toBe('https://api.weixin.qq.com');
    expect([...config.adminOpenIds]).toEqual(['a', 'b']);
    expect(config.httpKey).toBeUndefined();
  });
  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ WXOPEN_APPID: 'wx1' })).toThrow('WXOPEN_APPSECRET: must be set');
    expect(() => loadConfig({ WXOPEN_API_BASE: 'api.weixin.qq.com' })).toThrow('WXOPEN_API_BASE');
    expect(() => loadConfig({ WXOPEN_REQUEST_TIMEOUT_MS: '5s' })).toThrow('WXOPEN_REQUEST_TIMEOUT_MS');
    expect(() => loadConfig({ WXOPEN_HTTP_KEY: 'short-key' })).toThrow('WXOPEN_HTTP_KEY: must be at least 24 characters');
  });
  it('drops the API base\'s trailing slashes, and takes http(s) URLs with a host only', () => {
    expect(loadConfig({ WXOPEN_API_BASE: 'HTTP://127.0.0.1:8787//' }).apiBase).toBe('HTTP://127.0.0.1:8787');
    for (const bad of ['https://', 'https:///x', 'http:// x', 'ftp://example.com', 'http:/example.com', '///']) {
      expect(() => loadConfig({ WXOPEN_API_BASE: bad })).toThrow('WXOPEN_API_BASE: must be an http(s) URL');
    }
  });
  it('isHttpUrl says what /^https?:\\/\\/[^/\\s]+/i says, for any text', () => {
    const regex = /^https?:\/\/[^/\s]+/i;
    const prefixes = fc.constantFrom('', 'http://', 'https://', 'HTTPS://', 'Http://', 'http:/', 'https:', 'httpx://');
    const rest = fc.string({ unit: fc.constantFrom('a', '/', ' ', '\t', '\n', '\u00a0', '\u2028', '\ufeff', ':', '.', 'İ', '1'), maxLength: 6 });
    fc.assert(fc.property(prefixes, rest, (prefix, tail) => isHttpUrl(prefix + tail) === regex.test(prefix + tail)), { numRuns: 3000 });
  });
});

describe('deadline from the SCF context', () => {
  it('reads milliseconds, and the CLI shim\'s seconds', () => {
    expect(Deadline.fromContext({ time_limit_in_ms: 3000 }, 0).at).toBe(3000 - Deadline.ANSWER_MARGIN_MS);
    expect(Deadline.fromContext({ time_limit_in_ms: '3' }, 0).at).toBe(3000 - Deadline.ANSWER_MARGIN_MS);
    expect(Deadline.fromContext(undefined, 0).at).toBe(Deadline.DEFAULT_BUDGET_MS - Deadline.ANSWER_MARGIN_MS);
  });
});

describe('caller identity', () => {
  it('reads the WeChat context like getWXContext, from process.env or the context', () => {
    const env = { WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID,WX_API_TOKEN', WX_OPENID: 'o1', WX_APPID: 'wx1', WX_API_TOKEN: 'secret', TCB_SOURCE: 'wx_client', TCB_ENV: 'env-1' };
    expect(readWxContext(env)).toEqual({ OPENID: 'o1', APPID: 'wx1', SOURCE: 'wx_client', ENV: 'env-1' });
    const fromContext = callEnvironment({ environ: 'WX_CONTEXT_KEYS=WX_OPENID;WX_OPENID=o2' }, {});
    expect(readWxContext(fromContext).OPENID).toBe('o2');
    const fromJson = callEnvironment({ environment: JSON.stringify({ WX_CONTEXT_KEYS: 'WX_OPENID', WX_OPENID: 'o3' }) }, {});
    expect(readWxContext(fromJson).OPENID).toBe('o3');
  });
  it('never takes identity from the event', () => {
    expect(identifyCaller({ userInfo: { openId: 'forged' } }, {}, {})).toEqual({ kind: 'direct', source: 'direct' });
    expect(identifyCaller({ httpMethod: 'POST', headers: {} }, {}, {}).kind).toBe('http');
  });
});

describe('QR-code jump prefix rules', () => {
  it('accepts http, https and ftp URLs only', () => {
    expect(prefixProblem('https://a.example.com/qr/')).toBeUndefined();
    expect(prefixProblem('ftp://a.example.com/x')).toBeUndefined();
    expect(prefixProblem('wss://a.example.com/')).toMatch(/scheme/);
    expect(prefixProblem('https://localhost/')).toMatch(/domain/);
    expect(prefixProblem('https://a.example.com/ x')).toMatch(/spaces/);
  });
  it('matches links the way WeChat documents', () => {
    expect(linkMatchesPrefix('https://a.com/qr?a=1', 'https://a.com/qr')).toBe(true);
    expect(linkMatchesPrefix('https://a.com/qr/x/y', 'https://a.com/qr/')).toBe(true);
    expect(linkMatchesPrefix('https://a.com/a/bc', 'https://a.com/a/b')).toBe(false);
    expect(linkMatchesPrefix('https://a.com/q?id=123', 'https://a.com/q?id=12')).toBe(true);
    expect(linkMatchesPrefix('http://a.com/qr', 'https://a.com/qr')).toBe(false);
  });
  it('places the verification file in the prefix\'s last directory', () => {
    expect(verificationFileUrl('https://rms.meituan.com/crm/me/315227/x', 'zm.txt')).toBe('https://rms.meituan.com/crm/me/315227/zm.txt');
    expect(verificationFileUrl('https://a.com/qrcodejump', 'f.txt')).toBe('https://a.com/f.txt');
    expect(verificationFileUrl('https://a.com', 'f.txt')).toBe('https://a.com/f.txt');
  });
});

describe('callers that must never pass for trusted ones', () => {
  const authorizeFor = (caller: ReturnType<typeof identifyCaller>) => () => authorize(caller, loadConfig({ WXOPEN_ADMIN_OPENIDS: 'o-admin', WXOPEN_HTTP_KEY: 'k'.repeat(32) }));

  it.each([
    ['an anonymous Web SDK user', { TCB_ISANONYMOUS_USER: 'true', TCB_UUID: 'u1', TCB_SOURCE: 'web' }, /anonymous/],
    ['a signed-in Web SDK user', { TCB_UUID: 'u1' }, /Web SDK/],
    ['a custom-login user', { TCB_CUSTOM_USER_ID: 'c1' }, /custom-login/],
    ['a cross-account Mini Program user', { WX_CONTEXT_KEYS: 'WX_FROM_OPENID,WX_FROM_APPID', WX_FROM_OPENID: 'o-other', WX_FROM_APPID: 'wx2' }, /another account/],
    ['a client call without an OPENID', { TCB_SOURCE: 'wx_client' }, /client call/],
  ])('refuses %s', (_name, perCall, message) => {
    const caller = identifyCaller({}, { environment: JSON.stringify(perCall) }, {});
    expect(caller.kind).toBe('enduser');
    expect(authorizeFor(caller)).toThrow(message);
  });

  it('keeps a Mini Program user who sends an HTTP-shaped event a Mini Program user', () => {
    const caller = identifyCaller({ httpMethod: 'POST', headers: { authorization: `Bearer ${'k'.repeat(32)}` } }, { environ: 'WX_CONTEXT_KEYS=WX_OPENID;WX_OPENID=o-stranger' }, {});
    expect(caller).toMatchObject({ kind: 'miniprogram', openid: 'o-stranger' });
    expect(authorizeFor(caller)).toThrow(/not in WXOPEN_ADMIN_OPENIDS/);
  });

  it('never takes a caller identity left in process.env by an earlier call', () => {
    const stale = { WX_CONTEXT_KEYS: 'WX_OPENID', WX_OPENID: 'o-admin', TCB_SOURCE: 'wx_client' };
    // This call's own variables say: a console invocation (no WeChat identity).
    expect(identifyCaller({}, { environ: 'TCB_SOURCE=scf;SCF_NAMESPACE=env-1' }, stale)).toEqual({ kind: 'direct', source: 'scf' });
    // This call's own variables say: another Mini Program user.
    expect(identifyCaller({}, { environ: 'WX_CONTEXT_KEYS=WX_OPENID;WX_OPENID=o-stranger' }, stale)).toMatchObject({ kind: 'miniprogram', openid: 'o-stranger' });
    // Without per-call variables in the context (local tools), process.env is all there is.
    expect(identifyCaller({}, {}, stale)).toMatchObject({ kind: 'miniprogram', openid: 'o-admin' });
  });
});

describe('the verification file WeChat answers', () => {
  const answering = (body: Record<string, unknown>) => ({ call: async () => body }) as unknown as WeChatClient;

  it('is taken only with a plain file name, since it becomes a path on a web server', async () => {
    await expect(qrcodeJump.download(answering({ file_name: 'UASjIrr8C9.txt', file_content: '7781805a' }))).resolves.toEqual({ file_name: 'UASjIrr8C9.txt', file_content: '7781805a' });
    for (const file_name of ['../x.txt', 'a/b.txt', '.htaccess', undefined, 42]) {
      await expect(qrcodeJump.download(answering({ file_name, file_content: 'x' }))).rejects.toMatchObject({ errcode: 990009 });
    }
    await expect(qrcodeJump.download(answering({ file_name: 'a.txt' }))).rejects.toMatchObject({ errcode: 990009 });
  });
});
