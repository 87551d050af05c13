import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Deadline } from '../../shared/deadline';
import { parseStaticStores, staticHosting } from '../../shared/static-hosting/api';
import { contentTypeFor } from '../../shared/static-hosting/content-type';
import { checkStaticFilename, checkStaticPrefix } from '../../shared/static-hosting/filename';
import { uploadStaticFile } from '../../shared/static-hosting/upload';
import { uploadUrlProblem, withoutQuery } from '../../shared/static-hosting/upload-host-policy';
import type { ApiCall, WeChatClient } from '../../shared/wechat-client';

describe('static filenames', () => {
  it('normalises harmless forms', () => {
    expect(checkStaticFilename('./a//b/./c.html')).toEqual({ ok: true, filename: 'a/b/c.html' });
    expect(checkStaticFilename('Cafe\u0301.txt')).toEqual({ ok: true, filename: 'Café.txt' });
    expect(checkStaticFilename('dir.v2/..hidden')).toEqual({ ok: true, filename: 'dir.v2/..hidden' });
    expect(checkStaticPrefix('./docs//')).toEqual({ ok: true, filename: 'docs/' });
    expect(checkStaticPrefix('')).toEqual({ ok: true, filename: '' });
  });
  it('refuses what could escape the site or confuse a server', () => {
    for (const bad of ['..', 'a/../b', 'a/%2E%2e/b', '%252e%252e/a', 'a%00b', 'a/%2fb', '\u202egnp.exe', '\ufeffindex.html', 'a\u200bb', '/abs', '\\\\server\\share', 'a\\b', 'c:x', 'a\tb', 'a\u0085b', '.', './', 'dir/', 'é'.repeat(257)]) {
      expect({ bad, ok: checkStaticFilename(bad).ok }).toEqual({ bad, ok: false });
    }
    expect(checkStaticPrefix('../')).toMatchObject({ ok: false });
  });
});

describe('content types', () => {
  it('follows the extension, with charset for text', () => {
    expect(contentTypeFor('index.HTML')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a/app.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('logo.svg')).toBe('image/svg+xml; charset=utf-8');
    expect(contentTypeFor('x.woff2')).toBe('font/woff2');
    expect(contentTypeFor('LICENSE')).toBe('application/octet-stream');
    expect(contentTypeFor('.htaccess')).toBe('application/octet-stream');
    expect(contentTypeFor('a.v2/file')).toBe('application/octet-stream');
  });
});

describe('the upload host allowlist', () => {
  const WECHAT = 'https://api.weixin.qq.com';
  it('takes https COS/CloudBase storage hosts only', () => {
    expect(uploadUrlProblem('https://b8b3-static-env-1304480914.cos.ap-shanghai.myqcloud.com/zcy.py?sign=x', WECHAT)).toBeUndefined();
    expect(uploadUrlProblem('https://env-1304480914.tcloudbaseapp.com/a', WECHAT)).toBeUndefined();
    expect(uploadUrlProblem('https://7465-env-1258717764.tcb.qcloud.la/a', WECHAT)).toBeUndefined();
    expect(uploadUrlProblem('http://b.cos.ap-shanghai.myqcloud.com/a', WECHAT)).toMatch(/not https/);
    expect(uploadUrlProblem('https://b.cos.ap-shanghai.myqcloud.com:8443/a', WECHAT)).toMatch(/port 8443/);
    expect(uploadUrlProblem('https://user:pw@b.cos.ap-shanghai.myqcloud.com/a', WECHAT)).toMatch(/credentials/);
    expect(uploadUrlProblem('https://b.cos.ap-shanghai.myqcloud.com.evil.com/a', WECHAT)).toMatch(/not a COS\/CloudBase storage domain/);
    expect(uploadUrlProblem('https://myqcloud.com/a', WECHAT)).toMatch(/not a COS/);
    expect(uploadUrlProblem('https://127.0.0.1:9000/a', WECHAT)).toMatch(/not a COS/);
    expect(uploadUrlProblem('cos ap- shanghai', WECHAT)).toMatch(/not a URL/);
  });
  it('also takes the origin of a non-default API base (the emulator), and only that origin', () => {
    expect(uploadUrlProblem('http://127.0.0.1:8787/__cos-static/b/a', 'http://127.0.0.1:8787')).toBeUndefined();
    expect(uploadUrlProblem('http://127.0.0.1:8788/__cos-static/b/a', 'http://127.0.0.1:8787')).toMatch(/not a COS/);
    expect(uploadUrlProblem('https://api.weixin.qq.com/x', WECHAT)).toMatch(/not a COS/);
  });
  it('prints a URL without its query', () => {
    expect(withoutQuery('https://b.cos.ap-shanghai.myqcloud.com/a/b.js?q-signature=abc#x')).toBe('https://b.cos.ap-shanghai.myqcloud.com/a/b.js');
  });
});

describe('describestaticstore answers', () => {
  it('reads data or Data, and regoin, Regoin or region', () => {
    expect(parseStaticStores({ Data: [{ env: 'e1', domain: 'e1-1.tcloudbaseapp.com', bucket: 'b', regoin: 'ap-shanghai', status: 'online' }] })).toEqual([
      { env: 'e1', domain: 'e1-1.tcloudbaseapp.com', bucket: 'b', region: 'ap-shanghai', status: 'online' },
    ]);
    expect(parseStaticStores({ data: [{ EnvId: 'e2', CdnDomain: 'd', Bucket: 'b', Regoin: 'ap-guangzhou', Status: 'online' }] })[0]).toMatchObject({ env: 'e2', domain: 'd', region: 'ap-guangzhou' });
    expect(parseStaticStores({})).toEqual([]);
  });
  it('picks the env asked for, and says when there is none', async () => {
    const client = { call: async () => ({ data: [{ env: 'other', domain: 'o.tcloudbaseapp.com' }] }) } as unknown as WeChatClient;
    await expect(staticHosting.describe(client, 'mine')).rejects.toMatchObject({ errcode: 990306, field: 'env' });
  });
});

describe('uploadStaticFile against a stand-in storage', () => {
  let server: Server;
  let origin = '';
  const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }> = [];
  let reply: (url: string) => { status: number; headers?: Record<string, string>; body?: string } = () => ({ status: 200, headers: { etag: '"abc"' } });

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks) });
        const answer = reply(request.url ?? '');
        response.writeHead(answer.status, answer.headers ?? {});
        response.end(answer.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    seen.length = 0;
  });

  function clientAnswering(signedUrl: string): { client: WeChatClient; calls: ApiCall[] } {
    const calls: ApiCall[] = [];
    const client = {
      async call(call: ApiCall) {
        calls.push(call);
        return { errcode: 0, errmsg: 'ok', signed_url: signedUrl, token: 'COS-TOKEN-123456' };
      },
    } as unknown as WeChatClient;
    return { client, calls };
  }
  const upload = { env: 'env-1', filename: 'a/b.css', bytes: new TextEncoder().encode('body{}'), contentType: 'text/css; charset=utf-8' };
  const settings = (): { apiBase: string; deadline: Deadline } => ({ apiBase: origin, deadline: new Deadline(Date.now() + 5000) });

  it('PUTs the bytes with the token, type and length, using the component token', async () => {
    reply = () => ({ status: 200, headers: { etag: '"0123abcd"' } });
    const { client, calls } = clientAnswering(`${origin}/a/b.css?q-signature=SIG`);
    const result = await uploadStaticFile(client, settings(), upload);
    expect(result).toEqual({ env: 'env-1', filename: 'a/b.css', size: 6, content_type: 'text/css; charset=utf-8', etag: '0123abcd' });
    expect(calls).toEqual([{ path: 'componenttcb/staticuploadfile', body: { env: 'env-1', filename: 'a/b.css' }, token: 'component', idempotent: true }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/a/b.css?q-signature=SIG', body: Buffer.from('body{}') });
    expect(seen[0]?.headers).toMatchObject({ 'x-cos-security-token': 'COS-TOKEN-123456', 'content-type': 'text/css; charset=utf-8', 'content-length': '6' });
  });

  it('does not follow a redirect, and never shows the signature', async () => {
    reply = (url) => (url.startsWith('/a/') ? { status: 307, headers: { location: `${origin}/elsewhere?q-signature=SIG` } } : { status: 200 });
    const { client } = clientAnswering(`${origin}/a/b.css?q-signature=SIG`);
    const error = await uploadStaticFile(client, settings(), upload).catch((e: unknown) => e);
    expect(error).toMatchObject({ errcode: 990304, message: expect.stringContaining('HTTP 307 redirect, not followed') });
    expect(String((error as Error).message)).not.toContain('SIG');
    expect(seen.map((request) => request.url)).toEqual(['/a/b.css?q-signature=SIG']);
  });

  it('tells a refusal (4xx) from an unavailable storage (5xx, unreachable)', async () => {
    reply = () => ({ status: 403, body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>' });
    await expect(uploadStaticFile(clientAnswering(`${origin}/x`).client, settings(), upload)).rejects.toMatchObject({ errcode: 990304, message: 'a/b.css: PUT ' + origin + '/x: HTTP 403 AccessDenied: Request has expired' });
    reply = () => ({ status: 503, body: 'busy' });
    await expect(uploadStaticFile(clientAnswering(`${origin}/x`).client, settings(), upload)).rejects.toMatchObject({ errcode: 990305, category: 'busy' });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const deadOrigin = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(uploadStaticFile(clientAnswering(`${deadOrigin}/x?q-signature=SIG`).client, { apiBase: deadOrigin, deadline: new Deadline(Date.now() + 5000) }, upload)).rejects.toMatchObject({
      errcode: 990305,
      message: `a/b.css: PUT ${deadOrigin}/x: network error`,
    });
  });

  it('refuses an answer without a signed_url or token, and a spent time budget', async () => {
    const empty = { call: async () => ({ errcode: 0, errmsg: 'ok', signed_url: `${origin}/x` }) } as unknown as WeChatClient;
    await expect(uploadStaticFile(empty, settings(), upload)).rejects.toMatchObject({ errcode: 990303, message: expect.stringContaining('no token') });
    await expect(uploadStaticFile(clientAnswering(`${origin}/x`).client, { apiBase: origin, deadline: new Deadline(Date.now() + 100) }, upload)).rejects.toMatchObject({ errcode: 990007 });
    expect(seen).toHaveLength(0);
  });
});
