import { randomBytes } from 'node:crypto';
import type { Emulator } from '../../scripts/emulator';
import { databaseServiceUrl } from '../../scripts/emulator/modules/cloudbase-database';
import { DEMO_PLATFORM } from '../../scripts/emulator/platforms';
import { encryptMessage, messageSignature } from '../../shared/component/message-crypto';
import { buildPushXml } from '../../shared/component/push-xml';
import { emulatorRequest, HTTP_KEY } from './emulator';

export { DEMO_PLATFORM };

/** The variables of a service provider's deployment against the emulator (platform + shared store). */
export function platformEnv(emulator: Emulator, storeEnv: string): Record<string, string> {
  return {
    WXOPEN_API_BASE: emulator.url,
    WXOPEN_HTTP_KEY: HTTP_KEY,
    WXOPEN_COMPONENT_APPID: DEMO_PLATFORM.componentAppId,
    WXOPEN_COMPONENT_APPSECRET: DEMO_PLATFORM.secret,
    WXOPEN_COMPONENT_TOKEN: DEMO_PLATFORM.token,
    WXOPEN_COMPONENT_AES_KEY: DEMO_PLATFORM.aesKey,
    WXOPEN_TOKEN_STORE: 'cloudbase',
    WXOPEN_TOKEN_STORE_ENV: storeEnv,
    WXOPEN_TCB_SERVICE_URL: databaseServiceUrl(emulator.url),
  };
}

/** A push as WeChat sends it: query and body, signed and encrypted with the platform's keys. */
export function signedPush(
  fields: Readonly<Record<string, string | number>>,
  options: { timestamp?: number; nonce?: string; appId?: string; aesKey?: string; token?: string } = {},
): { query: string; body: string } {
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(6).toString('hex');
  const encrypt = encryptMessage(options.aesKey ?? DEMO_PLATFORM.aesKey, buildPushXml(fields), options.appId ?? DEMO_PLATFORM.componentAppId);
  const token = options.token ?? DEMO_PLATFORM.token;
  const query = new URLSearchParams({
    signature: messageSignature(token, timestamp, nonce),
    timestamp,
    nonce,
    encrypt_type: 'aes',
    msg_signature: messageSignature(token, timestamp, nonce, encrypt),
  });
  return { query: query.toString(), body: `<xml><AppId><![CDATA[${DEMO_PLATFORM.componentAppId}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>` };
}

/** Points the demo platform's pushes at a URL and pushes a ticket now (it must be taken). */
export async function pushTicketTo(emulator: Emulator, url: string): Promise<void> {
  await emulatorRequest(emulator, '__emulator/platforms', { component_appid: DEMO_PLATFORM.componentAppId, push_url: url });
  const { json } = await emulatorRequest(emulator, '__emulator/push-ticket', { component_appid: DEMO_PLATFORM.componentAppId });
  if ((json['push'] as { ok?: boolean } | undefined)?.ok !== true) throw new Error(`ticket push not taken: ${JSON.stringify(json)}`);
}

/** A merchant authorizes the platform as on the authorization page (pre-auth code from the platform's own API). */
export async function authorizeMerchant(emulator: Emulator, preAuthCode: string, merchant: string, permissionSets: readonly number[]): Promise<Record<string, unknown>> {
  const { status, json } = await emulatorRequest(emulator, '__emulator/authorize', {
    component_appid: DEMO_PLATFORM.componentAppId,
    pre_auth_code: preAuthCode,
    authorizer_appid: merchant,
    permission_sets: permissionSets,
  });
  if (status !== 200) throw new Error(`authorization failed: ${JSON.stringify(json)}`);
  return json;
}

/** The documents of one collection of the emulated database. */
export async function storedDocuments(emulator: Emulator, env: string, collection: string): Promise<Array<Record<string, unknown>>> {
  const { status, json } = await emulatorRequest(emulator, `__emulator/database?env=${env}&collection=${collection}`);
  return status === 200 ? ((json['documents'] as Array<Record<string, unknown>>) ?? []) : [];
}
