import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import { functionSettings, readCloudbaseRc, type CloudbaseRc } from '../cloudbaserc';
import { CLOUDBASERC } from '../function-catalogue';

/** The JSON part of the context SCF hands `main(event, context)` (what `context.getContext()` returns). */
export interface ScfContext {
  request_id: string;
  function_name: string;
  function_version: string;
  namespace: string;
  /** The function's timeout. The platform gives milliseconds; the CLI's local shim gives seconds ("3"). */
  time_limit_in_ms: number;
  memory_limit_in_mb: number;
  /** Per-call variables "K=V;K=V" that the bootstrap exports into process.env before main runs. */
  environ: string;
}

/** The per-call variables of a Mini Program call (wx.cloud.callFunction), as the platform sets them. */
export function miniProgramEnviron(openid: string, appid: string): Record<string, string> {
  return {
    WX_OPENID: openid,
    WX_APPID: appid,
    WX_CONTEXT_KEYS: 'WX_OPENID,WX_APPID',
    TCB_SOURCE: 'wx_client',
  };
}

/** "K=V;K=V", the bootstrap's format. Values must not hold ";" (the bootstrap splits on it). */
export function formatEnviron(vars: Readonly<Record<string, string>>): string {
  return Object.entries(vars)
    .map(([key, value]) => {
      if (value.includes(';')) throw new Error(`${key}: per-call values cannot contain ";"`);
      return `${key}=${value}`;
    })
    .join(';');
}

let settingsRead: { mtimeMs: number; checkedAt: number; rc: CloudbaseRc | undefined } | undefined;
/** How long a read of cloudbaserc.json is trusted before its mtime is looked at again. */
const RECHECK_MS = 1000;

/**
 * cloudbaserc.json, read again only when it changed (a gateway asks on every request; an edit is
 * seen within a second, and the file is not stat'ed per request).
 */
function currentCloudbaseRc(): CloudbaseRc | undefined {
  const now = Date.now();
  if (settingsRead !== undefined && now - settingsRead.checkedAt < RECHECK_MS) return settingsRead.rc;
  const mtimeMs = statSync(CLOUDBASERC, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  settingsRead = { mtimeMs, checkedAt: now, rc: settingsRead?.mtimeMs === mtimeMs ? settingsRead.rc : readCloudbaseRc() };
  return settingsRead.rc;
}

/** An SCF-like context for one invocation: timeout and memory from cloudbaserc.json. */
export function scfContext(functionName: string, options: { environ?: Readonly<Record<string, string>>; namespace?: string } = {}): ScfContext {
  const { timeoutSeconds, memoryMb } = functionSettings(functionName, currentCloudbaseRc());
  return {
    request_id: randomUUID(),
    function_name: functionName,
    function_version: '$LATEST',
    namespace: options.namespace ?? 'local',
    time_limit_in_ms: timeoutSeconds * 1000,
    memory_limit_in_mb: memoryMb,
    environ: formatEnviron(options.environ ?? {}),
  };
}

/**
 * What the SCF bootstrap does before each call: export the per-call variables into process.env
 * (and, as here, remove the previous call's, so that one caller's identity never leaks into the next).
 */
export function exportEnviron(vars: Readonly<Record<string, string>>, previous: readonly string[] = []): string[] {
  for (const key of previous) delete process.env[key];
  for (const [key, value] of Object.entries(vars)) process.env[key] = value;
  return Object.keys(vars);
}
