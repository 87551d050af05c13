/**
 * The third-party part of the `npm start` demo: a service provider (the emulator's demo platform)
 * acting for two merchant Mini Programs. WeChat's side is the emulator: it pushes the ticket and
 * the merchants' authorizations to componentEvents through the gateway, as WeChat pushes to the
 * platform's authorization event URL; every function then takes the component and authorizer
 * tokens from the shared token store (the emulated database, through the real node-sdk).
 */
import type { Emulator } from '../emulator';
import { DEMO_ENVS, type CloudEnv } from '../emulator/cloud-envs';
import { databaseServiceUrl } from '../emulator/modules/cloudbase-database';
import { DEMO_PLATFORM } from '../emulator/platforms';
import { hostingDomainOf } from '../emulator/static-sites';
import type { DemoStep } from './qr-jump-demo';
import { chainSteps } from './qr-jump-demo';

/** The provider's own CloudBase environment, whose database holds the shared token store. */
export const DEMO_PROVIDER_ENV = 'provider-env-0c0c0c';
/** The two merchants: released Mini Programs with static hosting. */
export const DEMO_MERCHANTS: readonly string[] = ['wx1111111111111111', 'wx5555555555555555'];

/** What a provider's deployment sets (cloudbaserc.json envVariables), pointed at the emulator. */
export function platformVariables(emulator: Emulator): Record<string, string> {
  return {
    WXOPEN_COMPONENT_APPID: DEMO_PLATFORM.componentAppId,
    WXOPEN_COMPONENT_APPSECRET: DEMO_PLATFORM.secret,
    WXOPEN_COMPONENT_TOKEN: DEMO_PLATFORM.token,
    WXOPEN_COMPONENT_AES_KEY: DEMO_PLATFORM.aesKey,
    WXOPEN_TOKEN_STORE: 'cloudbase',
    WXOPEN_TOKEN_STORE_ENV: DEMO_PROVIDER_ENV,
    WXOPEN_TCB_SERVICE_URL: databaseServiceUrl(emulator.url),
  };
}

function merchantEnv(appid: string): CloudEnv {
  const env = DEMO_ENVS.find((candidate) => candidate.appid === appid);
  if (env === undefined) throw new Error(`the emulator has no CloudBase environment for ${appid}`);
  return env;
}

interface PlatformDemoOptions {
  emulator: Emulator;
  gatewayUrl: string;
  httpKey: string;
  print: (line: string) => void;
}

async function gatewayCall(options: PlatformDemoOptions, name: string, input: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${options.gatewayUrl}/${name}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${options.httpKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (answer['errcode'] !== 0) throw new Error(`${name}: HTTP ${response.status}, errcode ${String(answer['errcode'])} ${String(answer['errmsg'])} (hint: ${String(answer['hint'])})`);
  return answer;
}

async function emulatorAdmin(emulator: Emulator, name: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/__emulator/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`emulator ${name}: ${JSON.stringify(answer)}`);
  return answer;
}

function pushOutcome(answer: Record<string, unknown>): string {
  const push = (answer['push'] ?? {}) as { ok?: boolean; status?: number; reply?: string; error?: string };
  if (push.ok !== true) throw new Error(`the push was not taken: ${JSON.stringify(push)}`);
  return `componentEvents answered ${String(push.status)} "${String(push.reply)}"`;
}

/**
 * WeChat's side of the set-up, through the emulator and the gateway: the ticket push, then for
 * each merchant the authorization links (createAuthorizationLinks), the merchant's consent on
 * the authorization page and WeChat's `authorized` push. Answers the setupQRCodeJump steps to
 * run for each merchant afterwards (through the ordinary demo runner).
 */
export async function preparePlatformDemo(options: PlatformDemoOptions): Promise<DemoStep[]> {
  const { emulator, print } = options;
  const componentAppId = DEMO_PLATFORM.componentAppId;
  await emulatorAdmin(emulator, 'platforms', { component_appid: componentAppId, push_url: `${options.gatewayUrl}/componentEvents` });
  print(`[platform] WeChat pushes the component_verify_ticket to /componentEvents: ${pushOutcome(await emulatorAdmin(emulator, 'push-ticket', { component_appid: componentAppId }))}`);
  for (const merchant of DEMO_MERCHANTS) {
    const links = await gatewayCall(options, 'createAuthorizationLinks', { redirect_uri: 'https://provider.example.com/authorized', auth_type: 2 });
    const preAuthCode = new URL(String(links['pc_url'])).searchParams.get('pre_auth_code') ?? '';
    print(`[platform] createAuthorizationLinks: the page for merchants is ${String(links['pc_url']).replace(/pre_auth_code=[^&]+/, 'pre_auth_code=…')}`);
    const granted = await emulatorAdmin(emulator, 'authorize', { component_appid: componentAppId, pre_auth_code: preAuthCode, authorizer_appid: merchant, permission_sets: [18, 49] });
    print(`[platform] ${merchant} authorizes the platform (sets 18, 49); WeChat pushes "${String(granted['info_type'])}": ${pushOutcome(granted)}`);
  }
  return DEMO_MERCHANTS.map((merchant) => {
    const env = merchantEnv(merchant);
    const prefix = `https://${hostingDomainOf(env)}/shop/`;
    return {
      title: `set up a rule for merchant ${merchant}`,
      functionName: 'setupQRCodeJump',
      input: { authorizer_appid: merchant, env: env.envId, prefix, permit_sub_rule: 1, path: 'pages/shop/index', open_version: 3, publish: true },
      writes: true,
      summary: (answer) => `rule ${String(answer['prefix'])} ${answer['state'] === 2 ? 'published' : 'unpublished'} on ${merchant}'s account (its steps above, each shown as it finished)`,
      details: chainSteps,
    };
  });
}

/** What the provider's functions fetched from WeChat during the demo (the rest came from the store). */
export function tokenSummary(emulator: Emulator): string {
  const fetched = (path: string) => emulator.callsTo(path).filter((call) => call.errcode === 0).length;
  return `tokens fetched from WeChat: ${fetched('cgi-bin/component/api_component_token')} component, ${fetched('cgi-bin/component/api_authorizer_token')} authorizer (the merchants' first tokens came with their authorization); every function took them from the shared store in ${DEMO_PROVIDER_ENV}'s database`;
}
