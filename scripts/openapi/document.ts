/**
 * The OpenAPI 3.1 document of the functions as the TCB HTTP access service serves them: one POST
 * path per callable function, the bearer key, the JSON input converted from the function's own
 * valibot schema (input-schema.ts), the success answer, the error answer, the HTTP statuses and
 * the error codes each function can answer (error-catalogue.ts); the push receiver
 * `componentEvents` is described apart (WeChat's signed XML, a text answer).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { authorizerAppId } from '../../shared/component/authorizer-appid';
import { CATEGORY_STATUS, describeCode, LOCAL } from '../../shared/error-codes';
import { ROOT } from '../function-catalogue';
import { DEFAULT_GATEWAY_PORT } from '../gateway';
import { codesOf, entryOf, tokenApisOf, unknownCodeInfo, type CodeEntry } from './error-catalogue';
import { EXAMPLE_INPUTS } from './examples';
import { loadFunctions, type FunctionEntry } from './function-definitions';
import { inputJsonSchema, withOptionalProperty, type SchemaNode } from './input-schema';
import { FUNCTION_APIS, STORAGE_REQUESTS } from './wechat-apis';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The document as plain JSON (what dist/openapi.json holds). */
export type OpenApiDocument = JsonObject & { openapi: string; paths: JsonObject; components: JsonObject };

const ERROR_REF = { $ref: '#/components/schemas/ErrorAnswer' };
const SUCCESS_REF = { $ref: '#/components/schemas/SuccessAnswer' };

/** In order of precedence: a function is tagged with the family most of its calls belong to, the first on a tie. */
const TAGS: ReadonlyArray<{ name: string; prefix: string; description: string }> = [
  { name: 'Static hosting', prefix: 'componenttcb/', description: 'The CloudBase environment\'s static website.' },
  { name: 'QR-code jump', prefix: 'cgi-bin/wxopen/qrcodejump', description: '"Scan an ordinary link QR code to open the Mini Program" rules and their verification file.' },
  { name: 'Market codes', prefix: 'intp/marketcode/', description: 'Market codes (一物一码): applications, packages, activation.' },
  { name: 'CloudBase files', prefix: 'tcb/', description: 'Cloud storage download links.' },
  { name: 'Third-party platform', prefix: 'cgi-bin/component/', description: 'The platform\'s authorizations, tickets and merchants.' },
];

function tagOf(name: string): string {
  const apis = FUNCTION_APIS[name] ?? [];
  const counts = TAGS.map((tag) => ({ tag: tag.name, count: apis.filter((api) => api.startsWith(tag.prefix)).length }));
  const best = counts.reduce((a, b) => (b.count > a.count ? b : a));
  return best.count > 0 ? best.tag : 'Other';
}

function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}

/** The doc comment's first sentence, at most 120 characters. */
function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  const sentence = end < 0 ? text : text.slice(0, end);
  return sentence.length <= 120 ? sentence : `${sentence.slice(0, 119).replace(/\s+\S*$/, '')}…`;
}

function codeLine(code: Pick<CodeEntry, 'errcode' | 'category'>): string {
  return `${code.errcode} (${code.category})`;
}

/** One error response per HTTP status the function's codes map to. */
function errorResponses(codes: readonly CodeEntry[]): JsonObject {
  const byStatus = new Map<number, CodeEntry[]>();
  for (const code of codes) byStatus.set(code.status, [...(byStatus.get(code.status) ?? []), code]);
  const responses: JsonObject = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: `Error answer: ${group.map(codeLine).join(', ')}.`,
      content: { 'application/json': { schema: ERROR_REF } },
    };
  }
  const unknown = unknownCodeInfo();
  responses['default'] = {
    description: `Any other WeChat code passes through unchanged (its errmsg and rid kept); codes the table does not know are category "${unknown.category}", HTTP ${unknown.status}.`,
    content: { 'application/json': { schema: ERROR_REF } },
  };
  return responses;
}

function operationDescription(entry: FunctionEntry, apis: readonly string[], codes: readonly CodeEntry[]): string {
  const lines = [entry.summary];
  if (apis.length > 0) lines.push(`WeChat APIs: ${apis.map((api) => `\`${api}\``).join(', ')}${STORAGE_REQUESTS[entry.name] === undefined ? '' : `; then a ${STORAGE_REQUESTS[entry.name]}`}.`);
  lines.push(`Tokens: ${tokenApisOf(entry).map((api) => `\`${api}\``).join(', ') || 'none'}.`);
  if (entry.actsForMerchant) lines.push('Also takes `authorizer_appid` (third-party mode): the call then acts for that merchant.');
  const local = codes.filter((code) => code.from.includes('local')).map((code) => code.errcode);
  const wechat = codes.filter((code) => !code.from.includes('local')).map((code) => code.errcode);
  lines.push(`Error codes raised here (from the modules it uses; an upper bound): ${local.join(', ')}.`);
  lines.push(`WeChat codes documented for the APIs it calls: ${wechat.join(', ')}; it may also answer any other code WeChat sends (passed through unchanged).`);
  return lines.join('\n\n');
}

/** `{local: [...], "<api>": [...]}`: the codes of each source. */
function codesBySource(codes: readonly CodeEntry[]): JsonObject {
  const grouped: Record<string, number[]> = {};
  for (const code of codes) for (const source of code.from) (grouped[source] ??= []).push(code.errcode);
  return grouped;
}

function functionInput(entry: FunctionEntry): SchemaNode {
  const schema = inputJsonSchema(entry.input);
  if (!entry.actsForMerchant) return schema;
  const merchant = inputJsonSchema(authorizerAppId);
  const rule = merchant.description === undefined ? '' : ` (${merchant.description})`;
  return withOptionalProperty(schema, 'authorizer_appid', { ...merchant, description: `Third-party mode: the merchant (authorizer) this call acts for${rule}.` });
}

function schemaName(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`;
}

function operation(entry: FunctionEntry, inputName: string, codes: readonly CodeEntry[]): JsonObject {
  const apis = FUNCTION_APIS[entry.name] ?? [];
  const example = EXAMPLE_INPUTS[entry.name];
  return {
    operationId: entry.name,
    summary: firstSentence(entry.summary) || entry.name,
    description: operationDescription(entry, apis, codes),
    tags: [tagOf(entry.name)],
    requestBody: {
      required: true,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${inputName}` }, ...(example === undefined ? {} : { example: toJson(example) }) } },
    },
    responses: {
      '200': { description: 'Success: `errcode` 0, `errmsg` "ok", then the function\'s own fields (their TypeScript type: `Answer<\'' + entry.name + '\'>` in clients/function-types.ts).', content: { 'application/json': { schema: SUCCESS_REF } } },
      ...errorResponses(codes),
    },
    'x-wechat-apis': [...apis],
    'x-token-apis': tokenApisOf(entry),
    'x-acts-for-merchant': entry.actsForMerchant,
    // By where they come from; each code's category, status and hint are in the document's own x-error-codes, once.
    'x-error-codes': codesBySource(codes),
  };
}

/** The push receiver: WeChat's encrypted, signed XML; a plain-text answer; no bearer key. */
function pushReceiver(): JsonObject {
  const text = (description: string, example: string): Json => ({ description, content: { 'text/plain': { schema: { type: 'string' }, example } } });
  const query = (name: string, description: string, schema: JsonObject): Json => ({ name, in: 'query', required: true, description, schema });
  return {
    post: {
      operationId: 'componentEvents',
      summary: 'The third-party platform\'s authorization event URL (授权事件接收URL)',
      description:
        'Called by WeChat, not by people: the encrypted pushes of `component_verify_ticket` (every 10 minutes) and of merchants\' `authorized` / `updateauthorized` / `unauthorized`. ' +
        'No bearer key: the push must carry a valid `msg_signature` (SHA-1 over the sorted token, timestamp, nonce and Encrypt), a timestamp within 300 s, a nonce not seen before, and decrypt with the platform\'s EncodingAESKey ' +
        `(${LOCAL.PUSH_REFUSED} is logged for a refusal; nothing is stored). Bind it with \`tcb service create -p /componentEvents -f componentEvents\` and enter that URL in the platform's settings.`,
      tags: ['Third-party platform'],
      security: [],
      parameters: [
        query('timestamp', 'Seconds since the epoch, within 300 s of the function\'s clock.', { type: 'string', pattern: '^\\d{1,12}$' }),
        query('nonce', 'Taken once per timestamp (a replay is acknowledged, not done twice).', { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' }),
        query('msg_signature', 'SHA-1 (hex) over the sorted token, timestamp, nonce and the Encrypt field.', { type: 'string', pattern: '^[0-9a-fA-F]{40}$' }),
        query('encrypt_type', 'Encrypted (safe) mode only.', { type: 'string', enum: ['aes'] }),
      ],
      requestBody: {
        required: true,
        content: { 'application/xml': { schema: { type: 'string', maxLength: 65536 }, example: '<xml><AppId><![CDATA[wx0c0c0c0c0c0c0c0c]]></AppId><Encrypt><![CDATA[...]]></Encrypt></xml>' } },
      },
      responses: {
        '200': text('Taken (or a replay of a push already taken): WeChat accepts nothing but `success`.', 'success'),
        '400': text('Refused, nothing stored: a malformed query, body or message.', 'refused'),
        '401': text('Refused, nothing stored: the signature, the timestamp\'s age, the decryption or the appid did not check out.', 'refused'),
        '405': text('Refused: pushes are POSTed.', 'refused'),
        '413': text('Refused: the body is larger than 64 KB.', 'refused'),
        '500': text('The receiver is not configured (WXOPEN_COMPONENT_TOKEN, WXOPEN_COMPONENT_AES_KEY).', 'not taken; retry'),
        '503': text('Not taken (the token store or WeChat failed): WeChat tries again.', 'not taken; retry'),
      },
    },
  };
}

function components(inputs: JsonObject): JsonObject {
  const categories = Object.keys(CATEGORY_STATUS);
  return {
    securitySchemes: {
      httpKey: { type: 'http', scheme: 'bearer', description: 'The function\'s WXOPEN_HTTP_KEY: `Authorization: Bearer <WXOPEN_HTTP_KEY>` (compared in constant time). Unset on the function: every HTTP call is refused (990005).' },
    },
    schemas: {
      SuccessAnswer: {
        type: 'object',
        description: 'WeChat\'s shape: `errcode` 0 and `errmsg` "ok", then the function\'s own fields.',
        properties: { errcode: { const: 0 }, errmsg: { const: 'ok' } },
        required: ['errcode', 'errmsg'],
        additionalProperties: true,
      },
      ErrorAnswer: {
        type: 'object',
        description: 'Every failure: WeChat\'s code passed through (errmsg and rid kept), or a code of the local range 990000-990999.',
        properties: {
          errcode: { type: 'integer', not: { const: 0 } },
          errmsg: { type: 'string' },
          hint: { type: 'string', description: 'What to do about it.' },
          category: { type: 'string', enum: categories, description: `HTTP status by category unless the code says otherwise: ${categories.map((category) => `${category} ${CATEGORY_STATUS[category as keyof typeof CATEGORY_STATUS]}`).join(', ')}.` },
          rid: { type: 'string', description: 'WeChat\'s request id, when WeChat answered.' },
          field: { type: 'string', description: 'Input errors: the (first) offending field, as a path such as `debug_url[2]`.' },
          fields: { type: 'array', items: { $ref: '#/components/schemas/FieldProblem' }, description: 'Input errors: every offending field with its rule.' },
          failed_step: { type: 'string', description: 'Workflow functions: the step that failed.' },
          steps: { type: 'array', items: { $ref: '#/components/schemas/ChainStep' }, description: 'Workflow functions: the steps done before the failure.' },
        },
        required: ['errcode', 'errmsg', 'hint', 'category'],
      },
      FieldProblem: { type: 'object', properties: { field: { type: 'string' }, rule: { type: 'string' } }, required: ['field', 'rule'] },
      ChainStep: { type: 'object', properties: { step: { type: 'string' }, status: { enum: ['done', 'skipped'] }, detail: { type: 'string' } }, required: ['step', 'status', 'detail'] },
      ...inputs,
    },
  };
}

/** The codes only the local gateway and invoke answer (the platform's own refusals, emulated). */
function gatewayCodeNumbers(): number[] {
  return Object.entries(LOCAL)
    .filter(([name]) => name.startsWith('GATEWAY_'))
    .map(([, code]) => code);
}

function gatewayCodes(): string {
  return gatewayCodeNumbers()
    .map((code) => `${code} (HTTP ${describeCode(code).httpStatus})`)
    .join(', ');
}

function info(version: string): JsonObject {
  return {
    title: 'wxopen-functions',
    version,
    description: [
      'The cloud functions as the TCB HTTP access service serves them: `POST /<functionName>` with a JSON body and `Authorization: Bearer <WXOPEN_HTTP_KEY>`. The same input works from a Mini Program (`wx.cloud.callFunction({name, data})`) and directly (console, `tcb fn invoke`): those callers get the same answer object, without an HTTP status.',
      'Every answer has WeChat\'s shape: `{errcode: 0, errmsg: "ok", ...}` on success, `{errcode, errmsg, hint, category, rid?, field?, fields?}` otherwise, with the HTTP status of the code (see the responses of each path, and `x-error-codes`).',
      'Inputs are generated from the valibot schemas the functions validate with. Unknown fields are refused. What JSON Schema cannot express is listed in `x-checks` on the node it applies to (the function checks it; a request that passes this schema may still get 990001); `x-transformed` marks a value the function converts after checking it (64-bit ids); `x-chosen-by` says how the function picks one branch of an `anyOf`. String lengths are counted by the functions in UTF-16 code units, by JSON Schema in code points: they differ only for characters outside the Basic Multilingual Plane.',
      `The local gateway (npm start, npm run gateway) adds ${gatewayCodes()} for what the platform itself refuses or reports.`,
    ].join('\n\n'),
  };
}

export interface BuildOptions {
  /** Reads a source file (tests give a stub); default the file system. */
  readSource?: (file: string) => string;
}

/** Builds the whole document from the function modules. */
export function buildOpenApiDocument(options: BuildOptions = {}): OpenApiDocument {
  const readSource = options.readSource ?? ((file: string) => readFileSync(file, 'utf8'));
  const entries = loadFunctions(readSource);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version?: string };
  const paths: JsonObject = {};
  const inputs: JsonObject = {};
  const catalogue = new Map<number, CodeEntry>();
  for (const entry of entries) {
    const name = schemaName(entry.name);
    inputs[name] = toJson(functionInput(entry));
    const codes = codesOf(entry, readSource);
    for (const code of codes) catalogue.set(code.errcode, code);
    paths[`/${entry.name}`] = { post: operation(entry, name, codes) };
  }
  for (const code of gatewayCodeNumbers()) catalogue.set(code, entryOf(code, ['local gateway']));
  paths['/componentEvents'] = pushReceiver();
  return {
    openapi: '3.1.0',
    info: info(pkg.version ?? '0.0.0'),
    servers: [
      { url: `http://127.0.0.1:${DEFAULT_GATEWAY_PORT}`, description: 'npm start / npm run gateway (the local gateway in front of the emulator)' },
      { url: 'https://{envId}.service.tcloudbase.com', description: 'the environment\'s HTTP access service (bind each path with tcb service create)', variables: { envId: { default: 'your-env-id' } } },
    ],
    security: [{ httpKey: [] }],
    tags: TAGS.map((tag) => ({ name: tag.name, description: tag.description })),
    paths,
    components: components(inputs),
    'x-error-codes': Object.fromEntries(
      [...catalogue.values()].sort((a, b) => a.errcode - b.errcode).map((code) => [String(code.errcode), { category: code.category, status: code.status, retryable: code.retryable, hint: code.hint }]),
    ),
  };
}
