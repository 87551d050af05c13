/**
 * Who the deployed functions will let in, from the variables they are deployed with. A function
 * answers three kinds of caller (shared/handler/authorize.ts): HTTP callers with the bearer key
 * (WXOPEN_HTTP_KEY), Mini Program users listed in WXOPEN_ADMIN_OPENIDS, and direct invocations
 * (console, `tcb fn invoke`, another function), which need the environment's Tencent Cloud
 * credentials and are always let in. The push receivers (componentEvents) are called by WeChat,
 * signed, and need neither variable.
 */
import { LOCAL } from '../shared/error-codes';
import { callableFunctionNames, PUSH_RECEIVERS } from './function-catalogue';

type Env = Readonly<Record<string, string | undefined>>;

export const ALLOW_NO_CALLERS_FLAG = '--allow-no-callers';

/** The variables that let callers in; every other one is optional (a feature you may not use). */
export const CALLER_VARIABLES: ReadonlySet<string> = new Set(['WXOPEN_HTTP_KEY', 'WXOPEN_ADMIN_OPENIDS']);

const isSet = (env: Env, name: string): boolean => (env[name]?.trim() ?? '') !== '';

export interface RefusedCaller {
  /** The kind of caller, as a person would name it. */
  who: string;
  /** The variable that would let it in. */
  variable: string;
  /** The code such a call is answered with. */
  errcode: number;
}

/** The kinds of caller every callable function will refuse with these variables. */
export function refusedCallers(env: Env): RefusedCaller[] {
  const refused: RefusedCaller[] = [];
  if (!isSet(env, 'WXOPEN_HTTP_KEY')) refused.push({ who: 'HTTP callers (the HTTP access service)', variable: 'WXOPEN_HTTP_KEY', errcode: LOCAL.HTTP_DISABLED });
  if (!isSet(env, 'WXOPEN_ADMIN_OPENIDS')) refused.push({ who: 'Mini Program users (wx.cloud.callFunction)', variable: 'WXOPEN_ADMIN_OPENIDS', errcode: LOCAL.FORBIDDEN });
  return refused;
}

export interface CallerCheck {
  /** False when the deployment must not go on without ALLOW_NO_CALLERS_FLAG. */
  ok: boolean;
  /** What to print (nothing when every kind of caller can get in). */
  lines: string[];
}

/**
 * With neither variable, every function but the push receivers refuses everyone except direct
 * invocations: that needs the flag. With one of them missing, a note says who is refused.
 */
export function checkCallers(env: Env, allowNoCallers: boolean): CallerCheck {
  const refused = refusedCallers(env);
  if (refused.length === 0) return { ok: true, lines: [] };
  const functions = callableFunctionNames();
  const receivers = [...PUSH_RECEIVERS].sort().join(', ');
  const refusals = refused.map(({ who, variable, errcode }) => `  - ${who}: answered ${errcode} (${variable} not set)`);
  const unaffected = `  ${receivers} ${PUSH_RECEIVERS.size === 1 ? 'is' : 'are'} not affected: WeChat calls ${PUSH_RECEIVERS.size === 1 ? 'it' : 'them'}, signed, without a key.`;
  if (refused.length === 1) {
    return { ok: true, lines: [`note: the ${functions.length} functions (all but ${receivers}) will refuse:`, ...refusals, '  HTTP callers with the key or listed Mini Program users, and direct invocations (console, tcb fn invoke), still get in.'] };
  }
  const head = `neither WXOPEN_HTTP_KEY nor WXOPEN_ADMIN_OPENIDS is set: ${functions.length} functions (${functions.join(', ')}) would refuse`;
  const only = '  leaving only direct invocations (console, tcb fn invoke, another function) able to call them.';
  if (allowNoCallers) return { ok: true, lines: [`${head}:`, ...refusals, only, unaffected, `going on (${ALLOW_NO_CALLERS_FLAG}).`] };
  return {
    ok: false,
    lines: [
      `${head}:`,
      ...refusals,
      only,
      unaffected,
      'Set WXOPEN_HTTP_KEY (e.g. WXOPEN_HTTP_KEY=$(openssl rand -hex 16)) and/or WXOPEN_ADMIN_OPENIDS=<openid>,<openid>,',
      `or deploy for direct invocations only with: npm run deploy -- ${ALLOW_NO_CALLERS_FLAG}. Nothing was built or sent.`,
    ],
  };
}
