import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Emulator } from '../../scripts/emulator';
import { DEMO_ENVS } from '../../scripts/emulator/cloud-envs';
import { hostingDomainOf, staticSitesOf } from '../../scripts/emulator/static-sites';
import { loadBundle } from '../support/bundles';
import { emulatorFor, HTTP_KEY, MINI_PROGRAM, useAccount } from '../support/emulator';
import { restoreEnv, setEnv } from '../support/env';
import { httpBody, httpEvent } from '../support/events';

const ENV = DEMO_ENVS[0]!;
const DOMAIN = hostingDomainOf(ENV);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(Array.from({ length: 256 }, (_, n) => n))]);

let emulator: Emulator;
/** A server outside the allowlist: nothing may ever reach it. */
let outsider: Server;
let outsiderHits = 0;
let outsiderOrigin = '';

async function admin(name: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/__emulator/${name}`, { method: 'POST', body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(String(answer['error']));
  return answer;
}

async function useComponentToken(): Promise<void> {
  const { token } = await admin('issue-token', { appid: MINI_PROGRAM.appid, kind: 'component' });
  setEnv({ WXOPEN_COMPONENT_ACCESS_TOKEN: String(token) });
}

/** GET on the hosting stand-in, by Host header or by the /__hosting/<env>/ prefix. */
async function hosted(path: string, by: 'host' | 'prefix'): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const response =
    by === 'host'
      ? await new Promise<{ status: number; type: string | null; bytes: Buffer }>((resolve, reject) => {
          // fetch() does not let a caller set Host; node:http does.
          const request = httpRequest(`${emulator.url}${path}`, { headers: { host: DOMAIN } }, (res: IncomingMessage) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? null, bytes: Buffer.concat(chunks) }));
          });
          request.on('error', reject);
          request.end();
        })
      : await fetch(`${emulator.url}/__hosting/${ENV.envId}${path}`).then(async (res) => ({ status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) }));
  return response;
}

function cosPuts(): Array<{ key: string | null; outcome: string; size: number; content_type: string | null }> {
  return emulator.callsTo('__cos-static').map((call) => call.body as { key: string | null; outcome: string; size: number; content_type: string | null });
}

beforeAll(async () => {
  emulator = await emulatorFor();
  outsider = createServer((_request, response) => {
    outsiderHits++;
    response.end('stolen');
  });
  await new Promise<void>((resolve) => outsider.listen(0, '127.0.0.1', () => resolve()));
  outsiderOrigin = `http://127.0.0.1:${(outsider.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await emulator.close();
  await new Promise<void>((resolve) => outsider.close(() => resolve()));
  restoreEnv();
});
beforeEach(async () => {
  emulator.reset();
  outsiderHits = 0;
  useAccount(emulator, MINI_PROGRAM.appid, MINI_PROGRAM.secret);
  await useComponentToken();
});

describe('uploadStaticFile then the hosting', () => {
  it('serves the same bytes for a text file and a binary one', async () => {
    const html = '<!doctype html><title>héllo</title><p>你好</p>\n';
    const text = httpBody(await loadBundle('uploadStaticFile')(httpEvent({ env: ENV.envId, filename: './site//index.html', content: html }, HTTP_KEY)));
    expect(text).toEqual({
      errcode: 0,
      errmsg: 'ok',
      env: ENV.envId,
      filename: 'site/index.html',
      size: Buffer.byteLength(html),
      content_type: 'text/html; charset=utf-8',
      etag: expect.stringMatching(/^[0-9a-f]{32}$/),
      url: `https://${DOMAIN}/site/index.html`,
    });
    const binary = await loadBundle('uploadStaticFile')({ env: ENV.envId, filename: 'img/logo.png', content_base64: PNG.toString('base64') });
    expect(binary).toMatchObject({ errcode: 0, filename: 'img/logo.png', size: PNG.length, content_type: 'image/png' });

    for (const by of ['host', 'prefix'] as const) {
      const page = await hosted('/site/index.html', by);
      expect(page).toEqual({ status: 200, type: 'text/html; charset=utf-8', bytes: Buffer.from(html) });
      expect(await hosted('/site/', by)).toMatchObject({ status: 200, bytes: Buffer.from(html) });
      const image = await hosted('/img/logo.png', by);
      expect(image.status).toBe(200);
      expect(image.type).toBe('image/png');
      expect(image.bytes.equals(PNG)).toBe(true);
      expect((await hosted('/missing.js', by)).status).toBe(404);
    }

    // On the wire: one PUT each, with the type and the token header; the answer carries no secret.
    expect(cosPuts()).toEqual([
      expect.objectContaining({ key: 'site/index.html', outcome: 'stored', size: Buffer.byteLength(html), content_type: 'text/html; charset=utf-8', has_token: true }),
      expect.objectContaining({ key: 'img/logo.png', outcome: 'stored', size: PNG.length, content_type: 'image/png' }),
    ]);
    const serialised = JSON.stringify([text, binary]);
    expect(serialised).not.toMatch(/q-signature|q-ak|x-upload-id|signed_url|"token"|sign=/);
    expect(emulator.callsTo('componenttcb/staticuploadfile').map((call) => call.body)).toEqual([
      { env: ENV.envId, filename: 'site/index.html' },
      { env: ENV.envId, filename: 'img/logo.png' },
    ]);
  });

  it('lists the files and finds the hosting domain (data and the regoin typo read)', async () => {
    await loadBundle('uploadStaticFile')({ env: ENV.envId, filename: 'index.html', content: 'home' });
    await loadBundle('uploadStaticFile')({ env: ENV.envId, filename: 'docs/a.md', content: '# a' });
    await loadBundle('uploadStaticFile')({ env: ENV.envId, filename: 'docs/b.md', content: '# b' });
    const all = await loadBundle('listStaticFiles')({ env: ENV.envId });
    expect(all).toMatchObject({ errcode: 0, is_truncated: false });
    expect((all['contents'] as Array<{ key: string; size: string }>).map((file) => [file.key, file.size])).toEqual([
      ['docs/a.md', '3'],
      ['docs/b.md', '3'],
      ['index.html', '4'],
    ]);
    const docs = await loadBundle('listStaticFiles')({ env: ENV.envId, prefix: 'docs/', marker: 'docs/a.md' });
    expect((docs['contents'] as Array<{ key: string }>).map((file) => file.key)).toEqual(['docs/b.md']);
    const top = await loadBundle('listStaticFiles')({ env: ENV.envId, delimiter: '/' });
    expect(top).toMatchObject({ contents: [{ key: 'index.html', md5: expect.stringMatching(/^[0-9a-f]{32}$/) }], common_prefixes: ['docs/'] });

    expect(await loadBundle('getStaticHostingDomain')({ env: ENV.envId })).toEqual({
      errcode: 0,
      errmsg: 'ok',
      env: ENV.envId,
      domain: DOMAIN,
      url: `https://${DOMAIN}/`,
      bucket: `b8b3-static-${ENV.envId}-${ENV.tencentAppId}`,
      region: 'ap-shanghai',
      status: 'online',
    });
  });

  it('gives a signed link with getUploadStaticStoreFile that takes exactly one PUT with the right token', async () => {
    const link = await loadBundle('getUploadStaticStoreFile')({ env: ENV.envId, filename: 'robots.txt' });
    expect(link).toMatchObject({ errcode: 0, filename: 'robots.txt', signed_url: expect.stringContaining('q-signature='), token: expect.any(String) });
    const put = (token?: string): Promise<Response> =>
      fetch(String(link['signed_url']), { method: 'PUT', body: 'User-agent: *', headers: { 'content-type': 'text/plain', ...(token === undefined ? {} : { 'x-cos-security-token': token }) } });
    const wrong = await put('not-the-token');
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toMatch(/<Code>InvalidAccessKeyId<\/Code>/);
    expect((await put()).status).toBe(403);
    expect(staticSitesOf(emulator).keys(ENV.envId)).toEqual([]);
    expect((await put(String(link['token']))).status).toBe(200);
    const again = await put(String(link['token']));
    expect(again.status).toBe(403);
    expect(await again.text()).toMatch(/already used/);
    expect(cosPuts().map((call) => call.outcome)).toEqual(['InvalidAccessKeyId', 'InvalidAccessKeyId', 'stored', 'AccessDenied']);

    const late = await loadBundle('getUploadStaticStoreFile')({ env: ENV.envId, filename: 'late.txt' });
    emulator.advanceClock(61);
    const expired = await fetch(String(late['signed_url']), { method: 'PUT', body: 'x', headers: { 'x-cos-security-token': String(late['token']) } });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/Request has expired/);
    const forged = new URL(String(link['signed_url']));
    forged.searchParams.set('q-signature', '0'.repeat(64));
    expect((await fetch(forged, { method: 'PUT', body: 'x', headers: { 'x-cos-security-token': String(link['token']) } })).status).toBe(403);
    expect(staticSitesOf(emulator).keys(ENV.envId)).toEqual(['robots.txt']);
  });
});

describe('uploadStaticFile refusals: a clear error, and nothing written', () => {
  function nothingWritten(): void {
    expect(staticSitesOf(emulator).keys(ENV.envId)).toEqual([]);
    expect(cosPuts().filter((call) => call.outcome === 'stored')).toEqual([]);
  }

  it('never sends the bytes to a host outside the allowlist', async () => {
    for (const base of [outsiderOrigin, 'https://evil.example.com', 'https://bucket.cos.ap-shanghai.myqcloud.com.evil.example.com']) {
      await admin('static-upload-faults', { url_base: base });
      const answer = await loadBundle('uploadStaticFile')({ env: ENV.envId, filename: 'index.html', content: 'secret page' });
      expect(answer).toMatchObject({ errcode: 990302, category: 'upstream', errmsg: expect.stringContaining('is not a COS/CloudBase storage domain') });
      expect(String(answer['errmsg'])).not.toMatch(/q-signature|sign=/);
    }
    expect(outsiderHits).toBe(0);
    expect(cosPuts()).toEqual([]);
    nothingWritten();
  });

  it('reports an expired signature', async () => {
    await admin('static-upload-faults', { ttl_seconds: 0 });
    const answer = await loadBundle('uploadStaticFile')({ env: ENV.envId, filename: 'index.html', content: 'x' });
    expect(answer).toMatchObject({ errcode: 990304, errmsg: expect.stringContaining('HTTP 403 AccessDenied: Request has expired') });
    expect(String(answer['errmsg'])).toContain(`/__cos-static/b8b3-static-${ENV.envId}-${ENV.tencentAppId}/index.html`);
    expect(String(answer['errmsg'])).not.toMatch(/q-signature|q-sign-time|x-upload-id/);
    nothingWritten();
  });

  it('reports a wrong security token', async () => {
    await admin('static-upload-faults', { wrong_token: true });
    const answer = await loadBundle('uploadStaticFile')({ env: ENV.envId, filename: 'index.html', content: 'x' });
    expect(answer).toMatchObject({ errcode: 990304, errmsg: expect.stringContaining('HTTP 403 InvalidAccessKeyId') });
    expect(cosPuts()).toHaveLength(1);
    nothingWritten();
  });

  it('refuses a traversal or otherwise bad filename before any call', async () => {
    const main = loadBundle('uploadStaticFile');
    const cases: Array<[string, RegExp]> = [
      ['../etc/passwd', /must not contain "\.\." segments/],
      ['site/%2e%2e/x.html', /must not contain percent-encoded sequences/],
      ['/index.html', /no leading "\/"/],
      ['site\\index.html', /not "\\"/],
      ['C:/x.html', /drive path/],
      ['a\u0000b.html', /control characters/],
      ['docs/', /names a folder/],
      ['x'.repeat(513), /at most 512 bytes/],
    ];
    for (const [filename, rule] of cases) {
      const answer = await main({ env: ENV.envId, filename, content: 'x' });
      expect(answer).toMatchObject({ errcode: 990001, field: 'filename', errmsg: expect.stringMatching(rule) });
    }
    expect(await main({ env: ENV.envId, filename: 'a.txt' })).toMatchObject({ errcode: 990001, field: 'content', errmsg: expect.stringContaining('exactly one of content') });
    expect(await main({ env: ENV.envId, filename: 'a.txt', content: 'x', content_base64: 'eA==' })).toMatchObject({ errcode: 990001, field: 'content' });
    expect(await main({ env: ENV.envId, filename: 'a.bin', content_base64: 'not base64!' })).toMatchObject({ errcode: 990001, field: 'content_base64' });
    expect(await loadBundle('getUploadStaticStoreFile')({ env: ENV.envId, filename: '../x' })).toMatchObject({ errcode: 990001, field: 'filename' });
    expect(emulator.calls).toEqual([]);
    nothingWritten();
  });

  it('passes WeChat\'s answer through for an env that is not the account\'s', async () => {
    expect(await loadBundle('getStaticHostingDomain')({ env: DEMO_ENVS[1]!.envId })).toMatchObject({ errcode: -501007, category: 'input' });
    const { token } = await admin('issue-token', { appid: 'wx2222222222222222', kind: 'component' });
    setEnv({ WXOPEN_COMPONENT_ACCESS_TOKEN: String(token) });
    expect(await loadBundle('listStaticFiles')({ env: ENV.envId })).toMatchObject({ errcode: 85088, category: 'setup' });
    expect(await loadBundle('listStaticFiles')({ env: ENV.envId, prefix: '../' })).toMatchObject({ errcode: 990001, field: 'prefix' });
  });

  it('says which token source is missing, and takes the runtime\'s cloudbase_access_token instead', async () => {
    setEnv({ WXOPEN_COMPONENT_ACCESS_TOKEN: undefined });
    expect(await loadBundle('getStaticHostingDomain')({ env: ENV.envId })).toMatchObject({ errcode: 990011, field: 'WXOPEN_COMPONENT_ACCESS_TOKEN' });
    const { token } = await admin('issue-token', { appid: MINI_PROGRAM.appid, kind: 'cloudbase' });
    setEnv({ WX_CLOUDBASE_ACCESSTOKEN: String(token) });
    try {
      expect(await loadBundle('getStaticHostingDomain')({ env: ENV.envId })).toMatchObject({ errcode: 0, domain: DOMAIN });
      expect(emulator.callsTo('componenttcb/describestaticstore').map((call) => call.tokenParam)).toEqual(['cloudbase_access_token']);
    } finally {
      setEnv({ WX_CLOUDBASE_ACCESSTOKEN: undefined });
    }
  });
});

describe('secrets in logs', () => {
  it('never prints the signature, the security token or the component token', async () => {
    setEnv({ WXOPEN_LOG_LEVEL: 'debug' });
    const lines: string[] = [];
    const spies = [jest.spyOn(console, 'log'), jest.spyOn(console, 'error')].map((spy) => spy.mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))));
    try {
      await loadBundle('uploadStaticFile')({ env: ENV.envId, filename: 'ok.txt', content: 'fine' });
      await admin('static-upload-faults', { wrong_token: true });
      await loadBundle('uploadStaticFile')({ env: ENV.envId, filename: 'refused.txt', content: 'no' });
      await admin('static-upload-faults', { url_base: 'https://evil.example.com' });
      await loadBundle('uploadStaticFile')({ env: ENV.envId, filename: 'elsewhere.txt', content: 'no' });
    } finally {
      for (const spy of spies) spy.mockRestore();
      setEnv({ WXOPEN_LOG_LEVEL: 'silent' });
    }
    const printed = lines.join("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(printed).not.toMatch(/q-signature=(?!\*)|Ct[A-Za-z0-9_-]{64}|x-upload-id/);
    expect(printed).not.toContain(String(process.env['WXOPEN_COMPONENT_ACCESS_TOKEN']));
  });
});

describe('the hosting domain and QR-code verification files', () => {
  it('lets qrcodejumpadd check a verification file uploaded to the hosting domain', async () => {
    const prefix = `https://${DOMAIN}/qr/`;
    const rule = { prefix, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, is_edit: 0 };
    expect(await loadBundle('addJumpQRCode')(rule)).toMatchObject({ errcode: 85069 });
    const file = await loadBundle('downloadQRCodeText')({ prefix });
    const name = String(file['serve_at']).slice(`https://${DOMAIN}/`.length);
    expect(await loadBundle('uploadStaticFile')({ env: ENV.envId, filename: name, content: String(file['file_content']) })).toMatchObject({ errcode: 0 });
    expect(await loadBundle('addJumpQRCode')(rule)).toMatchObject({ errcode: 0 });
  });
});
