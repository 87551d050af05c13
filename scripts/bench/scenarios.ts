/**
 * The calls the bench makes a function answer, each with the variables and the input it needs
 * against an emulator: an own-account read (getJumpQRCode), the set-up chain from nothing
 * (setupQRCodeJump, a new prefix each run), a market-code download (applyCodeDownload of a 10 000-code
 * segment) and a site with its rule (deployStaticSite), and a read in third-party mode with the
 * shared database token store. Used by the cold-start and the chain measurements.
 */
import { DEMO_ENVS } from '../emulator/cloud-envs';
import { DEMO_ACCOUNTS, type Emulator } from '../emulator';
import { hostingDomainOf } from '../emulator/static-sites';
import type { PreparedPlatform } from './platform-setup';

export const MINI_PROGRAM = DEMO_ACCOUNTS[0]!;
export const SERVICE_ACCOUNT = DEMO_ACCOUNTS[2]!;
const ENV = DEMO_ENVS[0]!;
export const HOSTING_DOMAIN = hostingDomainOf(ENV);

export type Variables = Record<string, string>;

export interface Scenario {
  /** Row key and label part: "getJumpQRCode", "getJumpQRCode (third-party, shared store)". */
  key: string;
  label: string;
  functionName: string;
  variables: Variables;
  /** The input of run number `run` (runs that write use a place of their own). */
  event(run: number): unknown;
  /** Made ready before each run (a cold token store). */
  before?(): Promise<void>;
}

/** What every function run against the emulator sets: the API base, quiet logs, no runtime token file. */
export function ownAccount(emulator: Emulator, account: { appid: string; secret: string } = MINI_PROGRAM): Variables {
  return {
    WXOPEN_API_BASE: emulator.url,
    WXOPEN_APPID: account.appid,
    WXOPEN_APPSECRET: account.secret,
    WXOPEN_LOG_LEVEL: 'silent',
    WXOPEN_CLOUDBASE_TOKEN_FILE: '/nonexistent/cloudbase_access_token',
  };
}

/** A JSON call to the emulator from the bench (set-up only; never measured). */
export async function emulatorCall(emulator: Emulator, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200 || (typeof answer['errcode'] === 'number' && answer['errcode'] !== 0)) throw new Error(`emulator ${path}: ${JSON.stringify(answer)}`);
  return answer;
}

/** The variables of a chain: own account, and the component token the hosting APIs (componenttcb/*) take. */
export function chainVariables(emulator: Emulator): Variables {
  return { ...ownAccount(emulator), WXOPEN_COMPONENT_ACCESS_TOKEN: emulator.tokens.issue(MINI_PROGRAM.appid, 'component', 86_400).value };
}

export function setupInput(place: string): Record<string, unknown> {
  const prefix = `https://${HOSTING_DOMAIN}/${place}/`;
  return { env: ENV.envId, prefix, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, debug_url: [`${prefix}a?id=1`], publish: true };
}

export function siteInput(place: string): Record<string, unknown> {
  return {
    env: ENV.envId,
    prefix: `${place}/`,
    files: [
      { filename: 'index.html', content: '<!doctype html><meta charset="utf-8"><title>Landing</title><link rel="stylesheet" href="site.css"><h1>Scan to open the Mini Program</h1>' },
      { filename: 'site.css', content: 'h1 { font-family: sans-serif; }' },
      { filename: 'logo.svg', content: '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>' },
    ],
    qrcode_rule: { prefix: `https://${HOSTING_DOMAIN}/${place}/`, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, publish: true },
  };
}

/** A FINISH application of 10 000 codes (the minimum) for the service account; its one segment's range. */
async function marketCodeSegment(emulator: Emulator): Promise<{ application_id: string; code_start: number; code_end: number }> {
  const { access_token: token } = await emulatorCall(emulator, 'cgi-bin/stable_token', { grant_type: 'client_credential', appid: SERVICE_ACCOUNT.appid, secret: SERVICE_ACCOUNT.secret });
  const applied = await emulatorCall(emulator, `intp/marketcode/applycode?access_token=${String(token)}`, { code_count: 10_000, isv_application_id: `bench-${Date.now()}` });
  return { application_id: String(applied['application_id']), code_start: 0, code_end: 9999 };
}

/**
 * The cold-start scenarios. The emulator must finish market-code applications at once
 * (marketcodeFinishDelaySeconds 0); `platform` is the prepared third-party platform.
 */
export async function coldStartScenarios(emulator: Emulator, platform: PreparedPlatform): Promise<Scenario[]> {
  const segment = await marketCodeSegment(emulator);
  const chain = chainVariables(emulator);
  return [
    { key: 'getJumpQRCode', label: 'getJumpQRCode', functionName: 'getJumpQRCode', variables: ownAccount(emulator), event: () => ({}) },
    { key: 'setupQRCodeJump', label: 'setupQRCodeJump (from nothing)', functionName: 'setupQRCodeJump', variables: chain, event: (run) => setupInput(`cold-${run}-${Date.now()}`) },
    {
      key: 'applyCodeDownload',
      label: 'applyCodeDownload (10 000 codes)',
      functionName: 'applyCodeDownload',
      variables: { ...ownAccount(emulator, SERVICE_ACCOUNT), WXOPEN_MARKETCODE_KEY: SERVICE_ACCOUNT.marketcodeKey ?? '' },
      event: () => ({ ...segment, output: 'lines' }),
    },
    {
      key: 'getJumpQRCode.thirdParty',
      label: 'getJumpQRCode (third-party, shared store)',
      functionName: 'getJumpQRCode',
      variables: platform.variables,
      event: () => ({ authorizer_appid: platform.merchant }),
      before: () => platform.makeCold(),
    },
  ];
}
