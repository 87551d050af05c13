import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { CLOUDBASERC } from './function-catalogue';

/** The environment variables every function receives (values come from the deployer's environment). */
export const ENV_VARIABLES: Readonly<Record<string, string>> = {
  WXOPEN_API_BASE: '{{env.WXOPEN_API_BASE}}',
  WXOPEN_APPID: '{{env.WXOPEN_APPID}}',
  WXOPEN_APPSECRET: '{{env.WXOPEN_APPSECRET}}',
  WXOPEN_HTTP_KEY: '{{env.WXOPEN_HTTP_KEY}}',
  WXOPEN_HTTP_KEY_PREVIOUS: '{{env.WXOPEN_HTTP_KEY_PREVIOUS}}',
  WXOPEN_ADMIN_OPENIDS: '{{env.WXOPEN_ADMIN_OPENIDS}}',
  WXOPEN_COMPONENT_ACCESS_TOKEN: '{{env.WXOPEN_COMPONENT_ACCESS_TOKEN}}',
  WXOPEN_MARKETCODE_KEY: '{{env.WXOPEN_MARKETCODE_KEY}}',
  WXOPEN_COMPONENT_APPID: '{{env.WXOPEN_COMPONENT_APPID}}',
  WXOPEN_COMPONENT_APPSECRET: '{{env.WXOPEN_COMPONENT_APPSECRET}}',
  WXOPEN_COMPONENT_TOKEN: '{{env.WXOPEN_COMPONENT_TOKEN}}',
  WXOPEN_COMPONENT_AES_KEY: '{{env.WXOPEN_COMPONENT_AES_KEY}}',
  WXOPEN_TOKEN_STORE: '{{env.WXOPEN_TOKEN_STORE}}',
  WXOPEN_TOKEN_STORE_ENV: '{{env.WXOPEN_TOKEN_STORE_ENV}}',
};

export interface FunctionEntry {
  name: string;
  handler: string;
  runtime: string;
  timeout: number;
  memorySize: number;
  installDependency: boolean;
  ignore: string[];
  envVariables: Record<string, string>;
  [key: string]: unknown;
}

export interface CloudbaseRc {
  version: string;
  envId: string;
  functionRoot: string;
  functions: FunctionEntry[];
  [key: string]: unknown;
}

/** Runtime every function is created with (it cannot be changed after creation). */
export const RUNTIME = 'Nodejs18.15';
export const DEFAULT_TIMEOUT_SECONDS = 20;
export const DEFAULT_MEMORY_MB = 256;

/**
 * Functions that need more than the default 20 s: they move many files or wait on long WeChat
 * jobs. Add a row when a function's work can outgrow 20 s (range 1-900 s). The build writes
 * these into cloudbaserc.json; the local gateway and invoke give the same time limit.
 */
export const TIMEOUT_SECONDS: Readonly<Record<string, number>> = {
  applyCodeDownload: 60,
  deployStaticSite: 60,
  exportCodePackage: 60,
  getDownloadTcbFileLink: 60,
  uploadStaticFile: 60,
};

export function timeoutFor(name: string): number {
  return TIMEOUT_SECONDS[name] ?? DEFAULT_TIMEOUT_SECONDS;
}

export function defaultEntry(name: string): FunctionEntry {
  return {
    name,
    handler: 'index.main',
    runtime: RUNTIME,
    timeout: timeoutFor(name),
    memorySize: DEFAULT_MEMORY_MB,
    installDependency: false,
    ignore: ['*.map'],
    envVariables: { ...ENV_VARIABLES },
  };
}

export function readCloudbaseRc(): CloudbaseRc | undefined {
  if (!existsSync(CLOUDBASERC)) return undefined;
  return JSON.parse(readFileSync(CLOUDBASERC, 'utf8')) as CloudbaseRc;
}

/**
 * The cloudbaserc.json that matches the function folders: existing entries keep their settings
 * (memory, extra variables, and their timeout unless TIMEOUT_SECONDS names the function), new
 * folders get defaults, entries without a folder go.
 */
export function syncCloudbaseRc(names: readonly string[], current: CloudbaseRc | undefined): CloudbaseRc {
  const existing = new Map((current?.functions ?? []).map((entry) => [entry.name, entry]));
  return {
    version: '2.0',
    envId: '{{env.ENV_ID}}',
    functionRoot: './dist/functions',
    ...(current ?? {}),
    functions: names.map((name) => {
      const entry = existing.get(name);
      if (entry === undefined) return defaultEntry(name);
      const timeout = TIMEOUT_SECONDS[name] ?? entry.timeout;
      return { ...entry, timeout, envVariables: { ...ENV_VARIABLES, ...entry.envVariables } };
    }),
  };
}

export function writeCloudbaseRc(rc: CloudbaseRc): void {
  writeFileSync(CLOUDBASERC, `${JSON.stringify(rc, null, 2)}\n`);
}

/** True when cloudbaserc.json matches the function folders (what `npm run build -- --check` requires). */
export function cloudbaseRcInSync(names: readonly string[], current: CloudbaseRc | undefined): boolean {
  return current !== undefined && JSON.stringify(syncCloudbaseRc(names, current)) === JSON.stringify(current);
}

/** The settings the platform gives one function: from cloudbaserc.json, or the defaults for a new folder. */
export function functionSettings(name: string, rc: CloudbaseRc | undefined = readCloudbaseRc()): { timeoutSeconds: number; memoryMb: number } {
  const entry = rc?.functions.find((candidate) => candidate.name === name);
  return { timeoutSeconds: entry?.timeout ?? timeoutFor(name), memoryMb: entry?.memorySize ?? DEFAULT_MEMORY_MB };
}
