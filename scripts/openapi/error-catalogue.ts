/**
 * The error codes one function can answer, each with what shared/error-codes.ts says of it
 * (category, HTTP status, retryable, hint) and where it comes from: raised here (derived from the
 * function's modules, local-codes.ts), answered by a WeChat API it calls, or by a token fetch
 * (wechat-apis.ts). Codes the table does not know are left out; WeChat may still send them (the
 * document's `default` response).
 */
import { describeCode, knownCodes } from '../../shared/error-codes';
import { localCodesOf } from './local-codes';
import { EVERY_API_CODES, familyCodes, FUNCTION_APIS, TOKEN_APIS, TOKEN_CODES } from './wechat-apis';

export interface CodeEntry {
  errcode: number;
  category: string;
  status: number;
  retryable: boolean;
  hint: string;
  /** `local`, an API path, or a token endpoint. */
  from: string[];
}

/** What a function needs to know about itself to list its codes. */
export interface CodeSubject {
  name: string;
  actsForMerchant: boolean;
}

function add(into: Map<number, Set<string>>, codes: readonly number[], from: string): void {
  for (const code of codes) {
    const sources = into.get(code) ?? new Set<string>();
    sources.add(from);
    into.set(code, sources);
  }
}

/** The token endpoints a function may call first, given the APIs it calls. */
export function tokenApisOf(subject: CodeSubject): string[] {
  const apis = FUNCTION_APIS[subject.name] ?? [];
  const tokens = new Set<string>();
  if (apis.some((api) => !api.startsWith('componenttcb/') && !api.startsWith('cgi-bin/component/'))) tokens.add(TOKEN_APIS.own);
  if (subject.actsForMerchant || apis.some((api) => api.startsWith('componenttcb/') || api.startsWith('cgi-bin/component/'))) tokens.add(TOKEN_APIS.component);
  if (subject.actsForMerchant && apis.some((api) => !api.startsWith('componenttcb/'))) tokens.add(TOKEN_APIS.authorizer);
  return [...tokens];
}

/** Every code the function can answer that the table knows, ascending. */
export function codesOf(subject: CodeSubject, readSource?: (file: string) => string): CodeEntry[] {
  // A function without a line in FUNCTION_APIS gets its local codes only (the OpenAPI test asks for the line).
  const apis = FUNCTION_APIS[subject.name] ?? [];
  const sources = new Map<number, Set<string>>();
  add(sources, localCodesOf(subject.name, readSource), 'local');
  for (const api of apis) add(sources, [...EVERY_API_CODES, ...familyCodes(api)], api);
  for (const token of tokenApisOf(subject)) {
    const codes = token === TOKEN_APIS.own ? TOKEN_CODES.own : token === TOKEN_APIS.component ? TOKEN_CODES.component : TOKEN_CODES.authorizer;
    add(sources, codes, token);
  }
  const known = new Set(knownCodes());
  return [...sources]
    .filter(([code]) => known.has(code))
    .sort(([a], [b]) => a - b)
    .map(([errcode, from]) => entryOf(errcode, [...from]));
}

/** What the table says of one code. */
export function entryOf(errcode: number, from: string[]): CodeEntry {
  const info = describeCode(errcode);
  return { errcode, category: info.category, status: info.httpStatus, retryable: info.retryable, hint: info.hint, from };
}

/** What the table answers for a code it does not know (WeChat's codes pass through). */
export function unknownCodeInfo(): { category: string; status: number } {
  const info = describeCode(Number.MIN_SAFE_INTEGER);
  return { category: info.category, status: info.httpStatus };
}
