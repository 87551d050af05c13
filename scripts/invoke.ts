/**
 * npm run -s invoke -- <functionName> '<json>' [--as-openid <OPENID>] [--http]
 *
 * Calls one built bundle the way the platform would and prints its answer as JSON on stdout
 * (the function's own log lines go to stderr). `-s` (npm's --silent) keeps npm's own banner
 * ("> wxopen-functions@… invoke") off stdout, so that stdout is the answer alone and pipes into jq:
 * - by default as the console / `tcb fn invoke` do: the JSON is the event, no caller identity;
 * - `--as-openid` as a Mini Program user's wx.cloud.callFunction: the per-call variables
 *   WX_CONTEXT_KEYS, WX_OPENID, WX_APPID and TCB_SOURCE are set as the platform sets them;
 * - `--http` as the HTTP access service: the JSON becomes a POST body with
 *   "Authorization: Bearer $WXOPEN_HTTP_KEY" (no header when the variable is unset), and what is
 *   printed is the integrated response {statusCode, headers, body, isBase64Encoded}, body a JSON string.
 * The functions read their configuration (WXOPEN_*) from this shell's environment.
 * Exit status: 0 success, 1 error answer, 2 the call could not be made (usage, unknown function,
 * invalid JSON, missing build).
 */
import { parseArgs } from 'node:util';
import { LOCAL } from '../shared/error-codes';
import { progressLine, withLiveProgress } from './local-runtime/live-progress';
import { parseJson } from '../shared/json';
import { toWxOpenError } from '../shared/errors';
import { formatFor } from '../shared/log';
import { functionNames } from './function-catalogue';
import { BundleHost } from './local-runtime/bundle-host';
import { exportEnviron, miniProgramEnviron, scfContext } from './local-runtime/scf-context';

const USAGE = `usage: npm run -s invoke -- <functionName> '<json>' [--as-openid <OPENID>] [--appid <wx...>] [--http]
functions: ${functionNames().join(', ')}`;

class UsageError extends Error {}

export interface InvokeRequest {
  functionName: string;
  input: unknown;
  asOpenId?: string;
  appid?: string;
  http: boolean;
}

/** Parses the command line into a request; throws UsageError with the reason. */
export function parseInvokeArgs(args: readonly string[]): InvokeRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { 'as-openid': { type: 'string' }, appid: { type: 'string' }, http: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) throw new UsageError(USAGE);
  const [functionName, json, ...extra] = positionals;
  if (functionName === undefined) throw new UsageError(`a function name is required\n${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')} (quote the JSON as one argument)\n${USAGE}`);
  if (!functionNames().includes(functionName)) {
    throw new UsageError(`no function named "${functionName}"; known: ${functionNames().join(', ')}`);
  }
  let input: unknown = {};
  if (json !== undefined) {
    try {
      input = parseJson(json);
    } catch (error) {
      throw new UsageError(`the input is not valid JSON (${error instanceof Error ? error.message : String(error)}): ${json}`);
    }
  }
  if (values['as-openid'] !== undefined && values.http) throw new UsageError('--as-openid and --http are two different callers: pick one');
  if (values['as-openid'] === '') throw new UsageError('--as-openid needs an OPENID');
  const request: InvokeRequest = { functionName, input, http: values.http === true };
  if (values['as-openid'] !== undefined) request.asOpenId = values['as-openid'];
  if (values.appid !== undefined) request.appid = values.appid;
  return request;
}

/** The event the platform would hand the function for this request. */
function eventFor(request: InvokeRequest): unknown {
  if (!request.http) return request.input;
  const key = process.env['WXOPEN_HTTP_KEY']?.trim();
  const headers: Record<string, string> = { 'content-type': 'application/json', host: 'localhost' };
  if (key !== undefined && key !== '') headers['authorization'] = `Bearer ${key}`;
  const body = JSON.stringify(request.input);
  return {
    path: `/${request.functionName}`,
    httpMethod: 'POST',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: {},
    requestContext: { requestId: 'invoke', envId: 'local' },
    body,
    isBase64Encoded: false,
  };
}

/** True when the answer is an error: errcode != 0, or an HTTP status of 400 or more. */
export function isErrorAnswer(answer: unknown): boolean {
  if (typeof answer !== 'object' || answer === null) return false;
  const { errcode, statusCode } = answer as { errcode?: unknown; statusCode?: unknown };
  if (typeof statusCode === 'number') return statusCode >= 400;
  return typeof errcode === 'number' && errcode !== 0;
}

/** The per-call variables the last invocation exported, removed before the next one. */
let exported: string[] = [];

/** Runs one invocation in this process; resolves with the answer (an error answer for local failures). */
export async function invoke(request: InvokeRequest, host: BundleHost = new BundleHost()): Promise<unknown> {
  const environ = request.asOpenId === undefined ? {} : miniProgramEnviron(request.asOpenId, request.appid ?? process.env['WXOPEN_APPID'] ?? 'wx0000000000000000');
  host.load(request.functionName);
  exported = exportEnviron(environ, exported);
  return host.invoke(request.functionName, eventFor(request), scfContext(request.functionName, { environ }));
}

async function main(): Promise<number> {
  let request: InvokeRequest;
  try {
    request = parseInvokeArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  // stdout carries the answer only; the function's log lines go to stderr, readable when that is a terminal.
  process.env['WXOPEN_LOG_FORMAT'] ??= formatFor(process.stderr);
  const toStdout = process.stdout.write.bind(process.stdout);
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  let answer: unknown;
  try {
    // A workflow's steps, files and waits go to stderr as they happen; stdout keeps the answer alone.
    answer = await withLiveProgress((event) => process.stderr.write(`  ${progressLine(event)}\n`), () => invoke(request));
  } catch (error) {
    const failure = toWxOpenError(error);
    console.error(failure.message);
    toStdout(`${JSON.stringify(failure.toAnswer(), null, 2)}\n`);
    return failure.errcode === LOCAL.GATEWAY_NOT_BUILT || failure.errcode === LOCAL.GATEWAY_UNKNOWN_FUNCTION ? 2 : 1;
  }
  toStdout(`${JSON.stringify(answer, null, 2)}\n`);
  return isErrorAnswer(answer) ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(2);
    },
  );
}
