import { request } from 'node:http';
import type { Emulator } from '../../scripts/emulator';
import { verificationFileOf } from '../../scripts/emulator/accounts';
import { callableFunctionNames, functionNames } from '../../scripts/function-catalogue';
import { MAX_BODY_BYTES, startGateway, type Gateway } from '../../scripts/gateway';
import { curlLine } from '../../scripts/demo/run-demo';
import { toHttpReply } from '../../scripts/local-runtime/http-reply';
import { emulatorFor, HTTP_KEY, MINI_PROGRAM } from '../support/emulator';
import { restoreEnv } from '../support/env';

let emulator: Emulator;
let gateway: Gateway;

beforeAll(async () => {
  emulator = await emulatorFor();
  gateway = await startGateway({ env: { WXOPEN_API_BASE: emulator.url, WXOPEN_HTTP_KEY: HTTP_KEY, WXOPEN_APPID: MINI_PROGRAM.appid, WXOPEN_APPSECRET: MINI_PROGRAM.secret } });
});
afterAll(async () => {
  await gateway.close();
  await emulator.close();
  restoreEnv();
});
beforeEach(() => emulator.reset());

/** Runs the printed curl line's request: POST, bearer key, JSON body. */
async function post(name: string, body: unknown, key: string | null = HTTP_KEY): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers['authorization'] = `Bearer ${key}`;
  const response = await fetch(`${gateway.url}/${name}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, headers: response.headers };
}

describe('the local gateway (TCB HTTP access service over the built bundles)', () => {
  it('answers the printed curl request', async () => {
    const line = curlLine(gateway.url, 'getJumpQRCode', HTTP_KEY, {});
    expect(line).toBe(`curl -sS -X POST ${gateway.url}/getJumpQRCode -H 'Authorization: Bearer ${HTTP_KEY}' -H 'Content-Type: application/json' -d '{}'`);
    const answer = await post('getJumpQRCode', {});
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(answer.json).toMatchObject({ errcode: 0, errmsg: 'ok', list_size: 0, rule_list: [] });
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpget')).toHaveLength(1);
  });

  it('serves every function folder, and the answers carry the function\'s status codes', async () => {
    for (const name of callableFunctionNames()) {
      const answer = await post(name, { __not_a_field__: 1 });
      expect({ name, status: answer.status, errcode: answer.json['errcode'] }).toEqual({ name, status: 400, errcode: 990001 });
    }
    expect((await post('getJumpQRCode', {}, 'wrong-key')).status).toBe(401);
    // the hint says how to send the key: redaction keeps the placeholder (a real key is still hidden)
    expect((await post('getJumpQRCode', {}, null)).json).toMatchObject({ errcode: 990004, hint: 'Send the key as "Authorization: Bearer <WXOPEN_HTTP_KEY>".' });
    expect((await post('getJumpQRCode', '{not json')).json).toMatchObject({ errcode: 990002 });
    // three bad fields, one answer naming all of them (the first as `field`)
    const bad = await post('addJumpQRCode', { prefix: 'https://shop.example.com/qr/', permit_sub_rule: 3, path: '', open_version: 9, is_edit: 0, debug_urls: [] });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ errcode: 990001, category: 'input', field: 'permit_sub_rule' });
    expect((bad.json['fields'] as Array<{ field: string }>).map(({ field }) => field)).toEqual(['permit_sub_rule', 'path', 'open_version', 'debug_urls']);
    expect(bad.json['hint']).toMatch(/^Fix these 4 fields and call again: permit_sub_rule must be 1 .*; path must not be empty; open_version must be 1 .*; debug_urls is not a field of this operation\.$/);
    const get = await fetch(`${gateway.url}/getJumpQRCode?x=1`, { headers: { authorization: `Bearer ${HTTP_KEY}` } });
    expect(get.status).toBe(405);
    expect(emulator.calls).toHaveLength(0);
  });

  it('keeps one warm instance per function: the token is fetched once', async () => {
    await post('downloadQRCodeText', {});
    const second = await post('downloadQRCodeText', {});
    expect(second.json).toEqual({ errcode: 0, errmsg: 'ok', ...verificationFileOf(MINI_PROGRAM.appid) });
    expect(emulator.callsTo('cgi-bin/stable_token')).toHaveLength(1);
  });

  it('hands a body that is not UTF-8 over base64 (the function decodes it)', async () => {
    const response = await fetch(`${gateway.url}/getJumpQRCode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HTTP_KEY}`, 'content-type': 'application/octet-stream' },
      body: Buffer.from('{}'),
    });
    expect(response.status).toBe(200);
    const binary = await fetch(`${gateway.url}/getJumpQRCode`, { method: 'POST', headers: { authorization: `Bearer ${HTTP_KEY}` }, body: Buffer.from([0xff, 0xfe, 0x00]) });
    expect(binary.status).toBe(400);
    expect(((await binary.json()) as Record<string, unknown>)['errcode']).toBe(990002);
  });

  it('answers 404 with JSON for an unknown function, and 413 for a body over 6 MB', async () => {
    const unknown = await post('noSuchFunction', {});
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ errcode: 990401, category: 'input' });
    expect(String(unknown.json['errmsg'])).toContain('getJumpQRCode');
    expect((await post('..%2Fpackage', {})).status).toBe(404);
    // a malformed percent-encoding names no function
    for (const path of ['%', '%E0%A4%A', 'get%ZZ']) {
      const response = await fetch(`${gateway.url}/${path}`, { method: 'POST', headers: { authorization: `Bearer ${HTTP_KEY}` }, body: '{}' });
      expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({ path, status: 404, type: 'application/json; charset=utf-8' });
      expect(await response.json()).toMatchObject({ errcode: 990401 });
    }

    const status = await new Promise<number>((resolve, reject) => {
      const call = request(`${gateway.url}/getJumpQRCode`, { method: 'POST', headers: { 'content-length': MAX_BODY_BYTES + 1, authorization: `Bearer ${HTTP_KEY}` } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      call.on('error', reject);
      call.end(Buffer.alloc(1024));
    });
    expect(status).toBe(413);
  });
});

describe('per-function variables (functionEnv)', () => {
  it('lets functions act as different accounts, each call seeing its own variables even when they overlap', async () => {
    const { SERVICE_ACCOUNT } = await import('../support/emulator');
    const { installScopedEnv, runWithEnv } = await import('../../scripts/local-runtime/scoped-env');
    const marketCodes = { WXOPEN_APPID: SERVICE_ACCOUNT.appid, WXOPEN_APPSECRET: SERVICE_ACCOUNT.secret, WXOPEN_MARKETCODE_KEY: SERVICE_ACCOUNT.marketcodeKey };
    const own = await startGateway({ env: { WXOPEN_API_BASE: emulator.url, WXOPEN_HTTP_KEY: HTTP_KEY }, functionEnv: (name) => (name === 'applyCode' ? marketCodes : { WXOPEN_APPID: MINI_PROGRAM.appid, WXOPEN_APPSECRET: MINI_PROGRAM.secret }) });
    try {
      const call = (name: string, body: unknown): Promise<Response> =>
        fetch(`${own.url}/${name}`, { method: 'POST', headers: { authorization: `Bearer ${HTTP_KEY}` }, body: JSON.stringify(body) });
      const answers = await Promise.all([call('applyCode', { code_count: 10000, isv_application_id: 'gw-1' }), call('getJumpQRCode', {}), call('applyCode', { code_count: 10000, isv_application_id: 'gw-2' })]);
      expect(await Promise.all(answers.map(async (response) => ((await response.json()) as Record<string, unknown>)['errcode']))).toEqual([0, 0, 0]);
      const tokenFor = (appid: string): number => emulator.callsTo('cgi-bin/stable_token').filter((entry) => (entry.body as { appid?: string }).appid === appid).length;
      expect([tokenFor(SERVICE_ACCOUNT.appid), tokenFor(MINI_PROGRAM.appid)]).toEqual([1, 1]);
      expect(process.env['WXOPEN_MARKETCODE_KEY']).toBeUndefined(); // outside a call: the process's own variables
    } finally {
      await own.close();
    }
    expect(process.env['WXOPEN_API_BASE']).toBe(emulator.url); // the first gateway's variables are back

    // the view itself: overlapping scopes, writes kept in their scope, unset names hidden from keys
    const release = installScopedEnv();
    try {
      process.env['SCOPED_ENV_BASE'] = 'base';
      const seen = await Promise.all(
        ['a', 'b'].map((value) =>
          runWithEnv({ SCOPED_ENV_X: value, SCOPED_ENV_BASE: undefined }, async () => {
            await new Promise((resolve) => setTimeout(resolve, 5));
            process.env['SCOPED_ENV_X'] = `${value}!`;
            await new Promise((resolve) => setTimeout(resolve, 5));
            return [process.env['SCOPED_ENV_X'], 'SCOPED_ENV_BASE' in process.env, Object.keys(process.env).includes('SCOPED_ENV_BASE'), { ...process.env }['SCOPED_ENV_X']];
          }),
        ),
      );
      expect(seen).toEqual([
        ['a!', false, false, 'a!'],
        ['b!', false, false, 'b!'],
      ]);
      expect([process.env['SCOPED_ENV_X'], process.env['SCOPED_ENV_BASE']]).toEqual([undefined, 'base']);
    } finally {
      delete process.env['SCOPED_ENV_BASE'];
      release();
    }
  });
});

describe('the HTTP access response mapping', () => {
  it('unwraps integrated responses and sends other answers as the real service does', () => {
    const integrated = toHttpReply({ statusCode: 201, headers: { 'Content-Type': 'text/html' }, body: '<p>hi</p>', isBase64Encoded: false });
    expect(integrated).toEqual({ status: 201, headers: { 'content-type': 'text/html' }, body: Buffer.from('<p>hi</p>') });
    expect(toHttpReply({ statusCode: 200, body: Buffer.from([1, 2, 3]).toString('base64'), isBase64Encoded: true }).body).toEqual(Buffer.from([1, 2, 3]));
    expect(toHttpReply({ a: 1 })).toEqual({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: Buffer.from('{"a":1}') });
    expect(toHttpReply('text')).toMatchObject({ status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  });
});

describe('the integrated-request event', () => {
  it('has the HTTP access service\'s fields: path, method, lower-cased and multi-value headers, query, requestContext, body', async () => {
    const { createServer } = await import('node:http');
    const { toHttpAccessEvent } = await import('../../scripts/local-runtime/http-event');
    const events: unknown[] = [];
    const server = createServer((incoming, response) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        events.push(toHttpAccessEvent(incoming, Buffer.concat(chunks), { requestId: 'r-1', envId: 'local' }));
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as { port: number };
    try {
      // node:http sends a repeated header as two lines (fetch would merge them before sending)
      await new Promise<void>((resolve, reject) => {
        const call = request(`http://127.0.0.1:${port}/fn/sub?a=1&b=two`, { method: 'POST', headers: { 'X-Trace': ['one', 'two'], 'Content-Type': 'application/json' } }, (answer) => {
          answer.resume();
          answer.on('end', resolve);
        });
        call.on('error', reject);
        call.end('{"k":"é"}');
      });
      await fetch(`http://127.0.0.1:${port}/fn`, { method: 'PUT', body: Buffer.from([0xff, 0x00, 0x01]) });
    } finally {
      server.close();
    }
    expect(events[0]).toEqual({
      path: '/fn/sub',
      httpMethod: 'POST',
      headers: expect.objectContaining({ 'x-trace': 'one, two', 'content-type': 'application/json', host: `127.0.0.1:${port}` }),
      multiValueHeaders: expect.objectContaining({ 'x-trace': ['one', 'two'], 'content-type': ['application/json'] }),
      queryStringParameters: { a: '1', b: 'two' },
      requestContext: { requestId: 'r-1', envId: 'local' },
      body: '{"k":"é"}',
      isBase64Encoded: false,
    });
    expect(events[1]).toMatchObject({ httpMethod: 'PUT', body: Buffer.from([0xff, 0x00, 0x01]).toString('base64'), isBase64Encoded: true, queryStringParameters: {} });
  });

  it('comes with an SCF-like context whose time limit is the function\'s cloudbaserc.json timeout', async () => {
    const { scfContext } = await import('../../scripts/local-runtime/scf-context');
    const { functionSettings } = await import('../../scripts/cloudbaserc');
    const context = scfContext('getJumpQRCode', { environ: { WX_OPENID: 'o1', WX_CONTEXT_KEYS: 'WX_OPENID' } });
    expect(context).toMatchObject({
      function_name: 'getJumpQRCode',
      function_version: '$LATEST',
      time_limit_in_ms: functionSettings('getJumpQRCode').timeoutSeconds * 1000,
      memory_limit_in_mb: 256,
      environ: 'WX_OPENID=o1;WX_CONTEXT_KEYS=WX_OPENID',
    });
    expect(context.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('a function that throws or runs past its timeout', () => {
  it('is reported as the platform does: a failed invocation (502) or a timeout (504), secrets redacted', async () => {
    const { BundleHost } = await import('../../scripts/local-runtime/bundle-host');
    const { scfContext } = await import('../../scripts/local-runtime/scf-context');
    let loads = 0;
    const host = new BundleHost((name) => {
      loads++;
      if (name === 'throws') return () => Promise.reject(new Error('boom at https://x/?access_token=SECRET123'));
      return () => new Promise(() => undefined);
    });
    const context = { ...scfContext('getJumpQRCode'), time_limit_in_ms: 50 };
    await expect(host.invoke('throws', {}, context)).rejects.toMatchObject({ errcode: 990404, httpStatus: 502, message: 'throws failed: boom at https://x/?access_token=***' });
    await expect(host.invoke('throws', {}, context)).rejects.toMatchObject({ errcode: 990404 });
    expect(loads).toBe(1); // warm: loaded once
    await expect(host.invoke('hangs', {}, context)).rejects.toMatchObject({ errcode: 990405, httpStatus: 504 });
  });
});
