import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { CLOUDBASERC } from './function-catalogue';

/** The environment variables every function receives (values come from the deployer's environment). */
export const ENV_VARIABLES: Readonly<Record<string, string>> = {
  WXOPEN_API_BASE: '{{env.WXOPEN_API_BASE}}',
  WXOPEN_APPID: '{{env.WXOPEN_APPID}}',
  WXOPEN_APPSECRET: '{{env.WXOPEN_APPSECRET}}',
  WXOPEN_HTTP_KEY: '{{env.WXOPEN_HTTP_KEY}}',
  WXOPEN_ADMIN_OPENIDS: '{{env.WXOPEN_ADMIN_OPENIDS}}',
  WXOPEN_COMPONENT_ACCESS_TOKEN: '{{env.WXOPEN_COMPONENT_ACCESS_TOKEN}}',
  WXOPEN_MARKETCODE_KEY: '{{env.WXOPEN_MARKETCODE_KEY}}',
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

export function defaultEntry(name: string): FunctionEntry {
  return {
    name,
    handler: 'index.main',
    runtime: 'Nodejs18.15',
    timeout: 20,
    memorySize: 256,
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
 * (timeout, memory, extra variables), new folders get defaults, entries without a folder go.
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
      return entry === undefined ? defaultEntry(name) : { ...entry, envVariables: { ...ENV_VARIABLES, ...entry.envVariables } };
    }),
  };
}

export function writeCloudbaseRc(rc: CloudbaseRc): void {
  writeFileSync(CLOUDBASERC, `${JSON.stringify(rc, null, 2)}\n`);
}
