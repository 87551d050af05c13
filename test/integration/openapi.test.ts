import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { Emulator } from '../../scripts/emulator';
import { callableFunctionNames, functionNames, ROOT } from '../../scripts/function-catalogue';
import { startGateway } from '../../scripts/gateway';
import { EXAMPLE_INPUTS } from '../../scripts/openapi/examples';
import { OPENAPI_FILE } from '../../scripts/openapi/serve-docs';
import { FUNCTION_APIS, TOKEN_APIS } from '../../scripts/openapi/wechat-apis';
import { FunctionCallError } from '../../clients/call-error';
import { FUNCTION_NAMES, PLATFORM_FUNCTIONS } from '../../clients/function-types';
import { createHttpClient } from '../../clients/http-client';
import { listAndAdd } from '../../examples/node/rules';
import { loadBundle, type Main } from '../support/bundles';
import { HTTP_KEY, MINI_PROGRAM, SERVICE_ACCOUNT, useEmulator } from '../support/emulator';
import { setEnv } from '../support/env';

// The document the build wrote, checked three ways: by a real OpenAPI validator; against the
// functions (each describes the function's own schema, codes and APIs); and on a sample of inputs,
// which the document (ajv) and the built function (a direct call, valid ones against the
// emulator) must accept and refuse alike, except where the document says the function checks more.

type Node = Record<string, unknown>;

if (!existsSync(OPENAPI_FILE)) throw new Error(`${OPENAPI_FILE} is missing: run npm run build first (npm test does)`);
const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Node & { paths: Record<string, { post: Node }>; components: { schemas: Record<string, Node> } };
const current = useEmulator({ marketcodeFinishDelaySeconds: 0 });

function operation(name: string): Node {
  const item = document.paths[`/${name}`];
  if (item === undefined) throw new Error(`no path /${name}`);
  return item.post;
}

function inputSchema(name: string): Node {
  const ref = (((operation(name)['requestBody'] as Node)['content'] as Node)['application/json'] as Node)['schema'] as { $ref: string };
  const schema = document.components.schemas[ref.$ref.replace('#/components/schemas/', '')];
  if (schema === undefined) throw new Error(`${ref.$ref} does not resolve`);
  return schema;
}

/**
 * Whether the schema notes a check beyond JSON Schema (x-checks) on the node of `field` (an answer's
 * `field`, such as `file_list[0].fileid`) or on a node above it, in some branch of an anyOf.
 */
function checkedBeyond(node: Node, field: string): boolean {
  if (Array.isArray(node['anyOf'])) return (node['anyOf'] as Node[]).some((branch) => checkedBeyond(branch, field));
  if (Array.isArray(node['x-checks'])) return true;
  const [head, ...rest] = field.replace(/\[\d+\]/g, '.[]').split('.').filter((part) => part !== '');
  if (head === undefined || head === 'input') return false;
  const next = head === '[]' ? node['items'] : (node['properties'] as Node | undefined)?.[head];
  return typeof next === 'object' && next !== null && checkedBeyond(next as Node, rest.join('.'));
}

/** The validator ships ES modules only (jest runs CommonJS): it runs in a node of its own, once for all files. */
function validate(files: readonly string[]): Array<{ valid: boolean; errors?: unknown }> {
  const script = `import { Validator } from '@seriousme/openapi-schema-validator';
const results = [];
for (const file of JSON.parse(process.argv[1])) results.push(await new Validator().validate(file));
console.log(JSON.stringify(results));`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(files)], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`the validator failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Array<{ valid: boolean; errors?: unknown }>;
}

describe('dist/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator), and the validator does refuse a broken one', () => {
    expect(document['openapi']).toBe('3.1.0');
    const scratch = mkdtempSync(join(tmpdir(), 'openapi-'));
    try {
      const broken = structuredClone(document);
      (broken.paths['/getJumpQRCode'] as { post: Node }).post['responses'] = { '200': { content: {} } }; // a response needs a description
      writeFileSync(join(scratch, 'broken.json'), JSON.stringify(broken));
      const [built, refused] = validate([OPENAPI_FILE, join(scratch, 'broken.json')]);
      expect(built).toEqual({ valid: true });
      expect(refused?.valid).toBe(false);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('has a path for every function folder, each callable one with its schema, APIs, statuses and codes', () => {
    expect(Object.keys(document.paths).sort()).toEqual(functionNames().map((name) => `/${name}`).sort());
    // the tables the document and the typed clients are made with have a line for every callable function
    expect(Object.keys(FUNCTION_APIS).sort()).toEqual(callableFunctionNames());
    expect(Object.keys(EXAMPLE_INPUTS).sort()).toEqual(callableFunctionNames());
    expect([...FUNCTION_NAMES].sort()).toEqual(callableFunctionNames());
    const codes = document['x-error-codes'] as Record<string, { status: number }>;
    for (const name of callableFunctionNames()) {
      const post = operation(name);
      expect(post['security']).toBeUndefined(); // the document's: the bearer key
      expect(post['x-wechat-apis']).toEqual(FUNCTION_APIS[name]);
      const responses = post['responses'] as Record<string, unknown>;
      for (const status of ['200', '400', '401', '403', '405', 'default']) expect({ name, status, has: status in responses }).toEqual({ name, status, has: true });
      // every code listed is in the catalogue, and its status has a response
      const listed = Object.values(post['x-error-codes'] as Record<string, number[]>).flat();
      expect(listed).toEqual(expect.arrayContaining([990001, 990004]));
      for (const code of listed) expect({ name, code, response: String(codes[String(code)]?.status) in responses }).toEqual({ name, code, response: true });
      // authorizer_appid: in every branch of a merchant-acting function's input, in none of the platform's own
      // (getAuthorizerInfo's is its own field: the merchant it describes)
      const branches = (inputSchema(name)['anyOf'] as Node[] | undefined) ?? [inputSchema(name)];
      const takesMerchant = !(PLATFORM_FUNCTIONS as readonly string[]).includes(name);
      for (const branch of branches) expect({ name, merchant: 'authorizer_appid' in (branch['properties'] as Node) }).toEqual({ name, merchant: takesMerchant || name === 'getAuthorizerInfo' });
      expect(post['x-acts-for-merchant']).toBe(takesMerchant);
    }
    const push = document.paths['/componentEvents']?.post as Node;
    expect(push['security']).toEqual([]);
    expect(Object.keys((push['requestBody'] as { content: Node }).content)).toEqual(['application/xml']);
  });
});

/** A sample input: `valid` for both, or `beyond`: the schema takes it, the function refuses it (an x-checks rule). */
interface Sample {
  name: string;
  input: unknown;
  expect: 'valid' | 'invalid' | 'beyond';
}

const SITE = 'https://shop.example.com/qr/';
const RULE = { prefix: SITE, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, is_edit: 0 };

const SAMPLES: readonly Sample[] = [
  // every example of the document is valid, and so is a call of every function with an unknown field not
  ...callableFunctionNames().flatMap((name): Sample[] => [
    { name, input: EXAMPLE_INPUTS[name], expect: 'valid' },
    { name, input: { ...EXAMPLE_INPUTS[name], __not_a_field__: 1 }, expect: 'invalid' },
  ]),
  { name: 'addJumpQRCode', input: RULE, expect: 'valid' },
  { name: 'addJumpQRCode', input: { ...RULE, debug_url: [`${SITE}a`, `${SITE}b`] }, expect: 'valid' },
  { name: 'addJumpQRCode', input: { prefix: 'http://weixin.qq.com/q/0a', appid: 'WX1111111111111111', path: 'pages/a/a', is_edit: 0 }, expect: 'valid' }, // a regex with the i flag
  { name: 'addJumpQRCode', input: { ...RULE, open_version: 4 }, expect: 'invalid' },
  { name: 'addJumpQRCode', input: { ...RULE, permit_sub_rule: '1' }, expect: 'invalid' },
  { name: 'addJumpQRCode', input: { ...RULE, is_edit: undefined }, expect: 'invalid' },
  { name: 'addJumpQRCode', input: { ...RULE, debug_url: Array.from({ length: 6 }, (_, i) => `${SITE}${i}`) }, expect: 'invalid' },
  { name: 'addJumpQRCode', input: { ...RULE, path: 'pages/a b' }, expect: 'invalid' },
  { name: 'addJumpQRCode', input: { prefix: 'http://weixin.qq.com/q/0a', appid: 'wx11', path: 'pages/a/a', is_edit: 0 }, expect: 'invalid' },
  { name: 'addJumpQRCode', input: { prefix: 'https://shop.example.com/x', appid: MINI_PROGRAM.appid, path: 'pages/a/a', is_edit: 0 }, expect: 'invalid' }, // starts_with
  { name: 'addJumpQRCode', input: { ...RULE, authorizer_appid: 'not-an-appid' }, expect: 'invalid' },
  { name: 'addJumpQRCode', input: { ...RULE, debug_url: ['https://elsewhere.example.com/qr/a'] }, expect: 'beyond' },
  { name: 'addJumpQRCode', input: { ...RULE, path: '/pages/index/index' }, expect: 'beyond' },
  { name: 'getJumpQRCode', input: { appid: MINI_PROGRAM.appid, get_type: 2, page_num: 1, page_size: 200 }, expect: 'valid' },
  { name: 'getJumpQRCode', input: { page_size: 201 }, expect: 'invalid' },
  { name: 'getJumpQRCode', input: { page_num: 0 }, expect: 'invalid' },
  { name: 'getJumpQRCode', input: { page_size: 1.5 }, expect: 'invalid' },
  { name: 'getJumpQRCode', input: { get_type: 3 }, expect: 'invalid' },
  { name: 'getDownloadTcbFileLink', input: { env: 'demo-env-1a2b3c', file_list: [] }, expect: 'invalid' },
  { name: 'getDownloadTcbFileLink', input: { env: 'demo-env-1a2b3c', file_list: [{ fileid: 'cloud://demo-env-1a2b3c.x/a.png', max_age: 0 }] }, expect: 'invalid' },
  { name: 'getDownloadTcbFileLink', input: { env: 'Demo_Env', file_list: [{ fileid: 'cloud://demo-env-1a2b3c.x/a.png', max_age: 60 }] }, expect: 'invalid' },
  { name: 'getDownloadTcbFileLink', input: { env: 'demo-env-1a2b3c', file_list: [{ fileid: 'cloud://other-env.x/a.png', max_age: 60 }] }, expect: 'beyond' },
  { name: 'uploadStaticFile', input: { env: 'demo-env-1a2b3c', filename: 'a.html', content: '<p>hi</p>', content_type: 'TEXT/HTML; Charset=UTF-8' }, expect: 'valid' },
  { name: 'uploadStaticFile', input: { env: 'demo-env-1a2b3c', filename: 'a.html', content: 'x', content_type: 'text html' }, expect: 'invalid' },
  { name: 'uploadStaticFile', input: { env: 'demo-env-1a2b3c', filename: 'a.txt', content_base64: 'not base64!' }, expect: 'invalid' },
  { name: 'uploadStaticFile', input: { env: 'demo-env-1a2b3c', filename: 'a.txt', content: 'x', content_base64: 'eA==' }, expect: 'beyond' },
  { name: 'uploadStaticFile', input: { env: 'demo-env-1a2b3c', filename: '../a.txt', content: 'x' }, expect: 'beyond' },
  { name: 'applyCode', input: { code_count: 10001, isv_application_id: 'x' }, expect: 'invalid' },
  { name: 'applyCode', input: { code_count: 5000, isv_application_id: 'x' }, expect: 'invalid' },
  { name: 'applyCode', input: { code_count: 10000, isv_application_id: 'a\u0001b' }, expect: 'invalid' },
  { name: 'applyCode', input: { code_count: 10000, isv_application_id: 'x'.repeat(129) }, expect: 'invalid' },
  { name: 'applyCodeQuery', input: { application_id: '581865877' }, expect: 'valid' },
  { name: 'applyCodeQuery', input: { application_id: true }, expect: 'invalid' },
  { name: 'applyCodeQuery', input: { application_id: 581865877, isv_application_id: 'order-2024-0001' }, expect: 'beyond' },
  { name: 'applyCodeQuery', input: { application_id: 2 ** 60 }, expect: 'beyond' },
  { name: 'applyCodeDownload', input: { application_id: 581865877, code_start: 0, code_end: 9999, output: 'all' }, expect: 'invalid' },
  { name: 'applyCodeDownload', input: { application_id: 581865877, code_start: 5, code_end: 4 }, expect: 'beyond' },
  { name: 'codeActive', input: { ...(EXAMPLE_INPUTS['codeActive'] as object), wxa_appid: 'wx123' }, expect: 'invalid' },
  { name: 'codeActive', input: { ...(EXAMPLE_INPUTS['codeActive'] as object), code_start: -1 }, expect: 'invalid' },
  { name: 'codeActiveQuery', input: { code: 'ABCDEFGHJ' }, expect: 'valid' },
  { name: 'codeActiveQuery', input: { code_url: 'P.URL.CN/0U.JYJXP3HJI2C98A9O' }, expect: 'valid' },
  { name: 'codeActiveQuery', input: { code: 'abc' }, expect: 'invalid' },
  { name: 'codeActiveQuery', input: { code: 'ABCDEFGHJ', code_url: 'P.URL.CN/0U.X' }, expect: 'invalid' },
  { name: 'codeActiveQuery', input: { application_id: 581865877 }, expect: 'invalid' },
  { name: 'createAuthorizationLinks', input: { redirect_uri: 'https://platform.example.com/done', auth_type: 4 }, expect: 'invalid' },
  { name: 'createAuthorizationLinks', input: { redirect_uri: 'https://platform.example.com/done', auth_type: 1, biz_appid: MINI_PROGRAM.appid }, expect: 'beyond' },
  { name: 'listAuthorizers', input: { count: 501 }, expect: 'invalid' },
  { name: 'startTicketPush', input: { authorizer_appid: MINI_PROGRAM.appid }, expect: 'invalid' },
  { name: 'getAuthorizerInfo', input: { authorizer_appid: 'wx1' }, expect: 'invalid' },
];

/** The variables a function needs to act as the account `npm start` gives it (see the README's table). */
function accountFor(name: string, componentToken: string): Record<string, string | undefined> {
  const apis = FUNCTION_APIS[name] ?? [];
  if (apis.some((api) => api.startsWith('intp/marketcode/'))) {
    return { WXOPEN_APPID: SERVICE_ACCOUNT.appid, WXOPEN_APPSECRET: SERVICE_ACCOUNT.secret, WXOPEN_MARKETCODE_KEY: SERVICE_ACCOUNT.marketcodeKey };
  }
  return { WXOPEN_APPID: MINI_PROGRAM.appid, WXOPEN_APPSECRET: MINI_PROGRAM.secret, WXOPEN_MARKETCODE_KEY: undefined, WXOPEN_COMPONENT_ACCESS_TOKEN: componentToken };
}

describe('the document and the functions on a sample of inputs', () => {
  let emulator: Emulator;
  const bundles = new Map<string, Main>();
  const ajv = new Ajv2020({ strict: false });

  beforeAll(() => {
    emulator = current();
  });

  function bundle(name: string): Main {
    let main = bundles.get(name);
    if (main === undefined) {
      main = loadBundle(name);
      bundles.set(name, main);
    }
    return main;
  }

  it('each sample is accepted by the document exactly when the function takes it (valid ones run against the emulator)', async () => {
    const componentToken = emulator.tokens.issue(MINI_PROGRAM.appid, 'component', 86_400).value;
    // The demo's first application (581865877) exists before the samples that name it.
    const ordered = [...SAMPLES].sort((a, b) => Number(b.name === 'applyCode') - Number(a.name === 'applyCode'));
    const disagreements: string[] = [];
    for (const sample of ordered) {
      const byDocument = ajv.validate(inputSchema(sample.name), sample.input);
      setEnv(accountFor(sample.name, componentToken));
      const before = emulator.calls.length;
      const answer = await bundle(sample.name)(sample.input);
      const byFunction = answer['errcode'] !== 990001;
      const wanted = { valid: [true, true], invalid: [false, false], beyond: [true, false] }[sample.expect];
      if (byDocument !== wanted[0] || byFunction !== wanted[1]) {
        disagreements.push(`${sample.name} ${JSON.stringify(sample.input)}: document ${byDocument ? 'accepts' : 'refuses'}, function answers ${String(answer['errcode'])} ${String(answer['errmsg'])}`);
      }
      if (sample.expect === 'beyond' && !checkedBeyond(inputSchema(sample.name), String(answer['field']))) disagreements.push(`${sample.name}: refused beyond the schema at ${String(answer['field'])}, where the document notes no x-checks`);
      // What a valid call sent to WeChat is in the document's x-wechat-apis (or is a token fetch).
      const allowed = new Set<string>([...(FUNCTION_APIS[sample.name] ?? []), ...Object.values(TOKEN_APIS)]);
      const sent = emulator.calls.slice(before).map((call) => call.path).filter((path) => !path.startsWith('cos/') && !path.startsWith('__') && !allowed.has(path)); // storage and hosting requests aside
      if (sent.length > 0) disagreements.push(`${sample.name}: called ${sent.join(', ')}, not in its x-wechat-apis`);
    }
    expect(disagreements).toEqual([]);
    // Valid samples did reach WeChat's side: the sample is not only refusals.
    expect(emulator.callsTo('cgi-bin/wxopen/qrcodejumpadd').length).toBeGreaterThan(0);
    expect(emulator.callsTo('intp/marketcode/applycodedownload').length).toBeGreaterThan(0);
  });
});

describe('the gateway serves the document and its page', () => {
  it('GET /openapi.json names the gateway first; its example request works as an OpenAPI tool sends it; GET /docs is the page', async () => {
    const emulator = current();
    emulator.reset(); // the sample's rules and calls gone
    const gateway = await startGateway({ env: { WXOPEN_API_BASE: emulator.url, WXOPEN_HTTP_KEY: HTTP_KEY, WXOPEN_APPID: MINI_PROGRAM.appid, WXOPEN_APPSECRET: MINI_PROGRAM.secret, WXOPEN_LOG_LEVEL: 'silent' } });
    try {
      const served = (await (await fetch(`${gateway.url}/openapi.json`)).json()) as Node & { servers: Array<{ url: string }>; paths: Record<string, { post: Node }> };
      expect(served.servers[0]?.url).toBe(gateway.url);
      expect({ ...served, servers: undefined }).toEqual({ ...document, servers: undefined });
      // what Postman or Apifox makes of the path: server + path, the bearer key, the example body
      const body = ((served.paths['/getJumpQRCode']?.post['requestBody'] as Node)['content'] as Record<string, { example: unknown }>)['application/json']?.example;
      const reply = await fetch(`${served.servers[0]?.url}/getJumpQRCode`, { method: 'POST', headers: { authorization: `Bearer ${HTTP_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect({ status: reply.status, json: await reply.json() }).toMatchObject({ status: 200, json: { errcode: 0, errmsg: 'ok' } });
      // The typed Node helper, as the example uses it; an error answer is thrown typed, with its status.
      const wxopen = createHttpClient({ baseUrl: gateway.url, key: HTTP_KEY });
      expect(await listAndAdd(wxopen, 'https://shop.example.com/qr/node/')).toEqual(['https://shop.example.com/qr/node/ -> pages/index/index (not published)', 'publishes left this month: 100']);
      const refused = await wxopen.call('deleteJumpQRCode', { prefix: '' }).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(FunctionCallError);
      expect(refused).toMatchObject({ functionName: 'deleteJumpQRCode', errcode: 990001, status: 400, category: 'input', answer: { field: 'prefix' } });
      const page = await fetch(`${gateway.url}/docs`);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await page.text();
      for (const name of functionNames()) expect(html).toContain(`id="${name}"`);
      expect(html).not.toMatch(/<script|<link|\ssrc=/i); // plain HTML: nothing fetched from elsewhere (offline)
    } finally {
      await gateway.close();
    }
  });
});
