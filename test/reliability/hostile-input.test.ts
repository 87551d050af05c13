import fc from 'fast-check';
import { callableFunctionNames } from '../../scripts/function-catalogue';
import { DEMO_PLATFORM } from '../../scripts/emulator/platforms';
import { loadBundle, type Main } from '../support/bundles';
import { ADMIN_OPENID, HTTP_KEY, useEmulator } from '../support/emulator';
import { setEnv } from '../support/env';
import { httpEvent } from '../support/events';
import { hostileInput, hostileString, hostileValue } from '../support/hostile-values';
import { secretScan } from '../support/secret-scan';

// Property-based fuzzing of every function in all three ways in (direct, Mini Program, HTTP):
// every answer is a well-formed {errcode, errmsg} (for HTTP, the integrated response whose body
// is that), nothing is thrown, no refused input reaches WeChat, Object.prototype stays untouched,
// and every answer comes within the deadline. The seed is printed on failure (fast-check does).

const SEED = Number(process.env['FUZZ_SEED'] ?? 20261202);
const RUNS = Number(process.env['FUZZ_RUNS'] ?? 25);
const TIME_LIMIT_MS = 3000;
/** Field names the functions' schemas use, so that generated inputs reach deep into validation. */
const FIELDS = ['appid', 'application_id', 'auth_code', 'auth_type', 'biz_appid', 'code', 'code_count', 'code_ticket', 'code_url', 'content', 'content_base64', 'content_type', 'count', 'debug_url', 'delimiter', 'env', 'file_list', 'fileid', 'filename', 'get_type', 'is_edit', 'isv_application_id', 'marker', 'max_age', 'offset', 'open_version', 'openid', 'output', 'page_num', 'page_size', 'path', 'permit_sub_rule', 'prefix', 'prefix_list', 'publish', 'recover', 'redirect_uri', 'wxa_appid', 'wxa_path', 'wxa_type', 'code_start', 'code_end', 'authorizer_appid'];
/** Answers that refuse the request before anything is sent. */
const REFUSALS = new Set([990001, 990002, 990004, 990005, 990006, 990010]);

const current = useEmulator();
const counts = { cases: 0, refused: 0, accepted: 0, malformed: 0, thrown: 0, refusedButSent: 0, slow: 0, slowestMs: 0 };
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
const mains = new Map<string, Main>();
const scan = secretScan();

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  setEnv({ WXOPEN_COMPONENT_APPID: DEMO_PLATFORM.componentAppId, WXOPEN_COMPONENT_APPSECRET: DEMO_PLATFORM.secret, WXOPEN_COMPONENT_TOKEN: DEMO_PLATFORM.token, WXOPEN_COMPONENT_AES_KEY: DEMO_PLATFORM.aesKey });
  for (const name of callableFunctionNames()) mains.set(name, loadBundle(name));
  setEnv({ WXOPEN_LOG_LEVEL: 'debug' });
  scan.start();
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  process.stdout.write(
    `hostile input: ${counts.cases} cases over ${mains.size} functions x 3 ways in (seed ${SEED}); refused ${counts.refused}, answered otherwise ${counts.accepted}; malformed answers ${counts.malformed}, thrown ${counts.thrown}, refused yet sent to WeChat ${counts.refusedButSent}, over the deadline ${counts.slow} (slowest ${counts.slowestMs} ms of ${TIME_LIMIT_MS}), unhandled rejections ${unhandled.length}\n`,
  );
});

type Way = 'direct' | 'miniprogram' | 'http';
const MINI_PROGRAM_CONTEXT = { environ: `WX_CONTEXT_KEYS=WX_OPENID,WX_APPID;WX_OPENID=${ADMIN_OPENID};WX_APPID=wx1111111111111111;TCB_SOURCE=wx_client`, time_limit_in_ms: TIME_LIMIT_MS };

/** One call, checked; returns nothing, throws (failing the property) when a rule is broken. */
async function check(name: string, way: Way, event: unknown, context: unknown): Promise<void> {
  const main = mains.get(name) as Main;
  const callsBefore = current().calls.length;
  const started = Date.now();
  let answer: Record<string, unknown>;
  counts.cases++;
  try {
    answer = await main(event, context);
    scan.answer(answer);
  } catch (error) {
    counts.thrown++;
    throw new Error(`${name} (${way}) threw: ${String(error)}`);
  }
  const ms = Date.now() - started;
  counts.slowestMs = Math.max(counts.slowestMs, ms);
  if (ms > TIME_LIMIT_MS) {
    counts.slow++;
    throw new Error(`${name} (${way}) answered after ${ms} ms`);
  }
  let body: Record<string, unknown> = answer;
  if (way === 'http') {
    if (typeof answer['statusCode'] !== 'number' || typeof answer['body'] !== 'string') {
      counts.malformed++;
      throw new Error(`${name} (http) answered no integrated response: ${JSON.stringify(answer).slice(0, 200)}`);
    }
    body = JSON.parse(answer['body']) as Record<string, unknown>;
  }
  if (typeof body['errcode'] !== 'number' || typeof body['errmsg'] !== 'string' || body['errcode'] === 990099) {
    counts.malformed++;
    throw new Error(`${name} (${way}) answered ${JSON.stringify(body).slice(0, 300)}`);
  }
  if (REFUSALS.has(body['errcode'])) {
    counts.refused++;
    if (current().calls.length !== callsBefore) {
      counts.refusedButSent++;
      throw new Error(`${name} (${way}) refused the input (${String(body['errcode'])}) but sent ${current().calls.length - callsBefore} request(s) to WeChat`);
    }
  } else {
    counts.accepted++;
  }
  if (Object.getOwnPropertyNames(Object.prototype).sort().join(',') !== prototypeBefore || ({} as Record<string, unknown>)['polluted'] !== undefined) {
    throw new Error(`${name} (${way}) changed Object.prototype`);
  }
}

const polluting = JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"prefix":{"__proto__":{"polluted":1}}}') as Record<string, unknown>;

describe.each(callableFunctionNames())('%s', (name) => {
  it('survives hostile direct, Mini Program and HTTP events', async () => {
    current().reset();
    await fc.assert(
      fc.asyncProperty(hostileInput(FIELDS), async (input) => {
        await check(name, 'direct', input, { time_limit_in_ms: TIME_LIMIT_MS });
        await check(name, 'miniprogram', input, MINI_PROGRAM_CONTEXT);
        await check(name, 'http', httpEvent(input, HTTP_KEY), { environ: '', time_limit_in_ms: TIME_LIMIT_MS });
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Bodies and events that are not objects at all.
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileString, hostileValue, fc.constantFrom('', '{', '[]', 'null', '"x"', '{"a":1}{"b":2}', '\u0000{}')), fc.boolean(), async (body, base64) => {
        const text = typeof body === 'string' ? body : JSON.stringify(body) ?? '';
        await check(name, 'http', { ...httpEvent(undefined, HTTP_KEY), body: base64 ? `${Buffer.from(text).toString('base64')}!*` : text, isBase64Encoded: base64 }, { environ: '', time_limit_in_ms: TIME_LIMIT_MS });
        await check(name, 'direct', body, { time_limit_in_ms: TIME_LIMIT_MS });
        // A body that is not text at all (the HTTP access service never sends one; a forged event might).
        if (typeof body !== 'string') await check(name, 'http', { ...httpEvent(undefined, HTTP_KEY), body }, { environ: '', time_limit_in_ms: TIME_LIMIT_MS });
      }),
      { seed: SEED, numRuns: Math.max(5, Math.floor(RUNS / 2)) },
    );
    for (const event of [null, 'a string event', 42, [], undefined, polluting]) await check(name, 'direct', event, { time_limit_in_ms: TIME_LIMIT_MS });
    await check(name, 'http', httpEvent(polluting, HTTP_KEY), { environ: '' });
    expect(unhandled).toEqual([]);
  });
});

it('leaked no secret into a log line or an answer', () => {
  const { lines, answers, found } = scan.stop();
  process.stdout.write(`hostile input, secrets: ${lines} log lines and ${answers} answers scanned, found ${found.length}\n`);
  expect(lines).toBeGreaterThan(100);
  expect(found.slice(0, 5)).toEqual([]);
});
