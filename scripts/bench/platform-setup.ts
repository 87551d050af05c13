/**
 * The third-party platform the bench's shared-store figures run against: the emulator's demo
 * platform with its ticket pushed and a merchant authorized (through a gateway, as in npm start),
 * and a way to make any token-store environment "cold" (the ticket and the authorization stored,
 * no component or authorizer token yet), so that the next call fetches both tokens.
 */
import { CloudbaseTokenStore } from '../../shared/tokens/store/cloudbase-token-store';
import { COLLECTIONS } from '../../shared/tokens/store/token-store';
import type { Emulator } from '../emulator';
import { databaseServiceUrl } from '../emulator/modules/cloudbase-database';
import { DEMO_PLATFORM } from '../emulator/platforms';
import { DEMO_MERCHANTS, DEMO_PROVIDER_ENV, platformVariables, preparePlatformDemo } from '../demo/platform-demo';
import { startGateway, type Gateway } from '../gateway';

/** The merchant's CloudBase environment (getStaticHostingDomain's `env`). */
export const MERCHANT_ENV = 'demo-env-1a2b3c';

export interface PreparedPlatform {
  /** The variables of a function in third-party mode with the shared database store. */
  variables: Record<string, string>;
  merchant: string;
  /** Stores the ticket and the merchant's authorization in the store of `envId`, and removes both tokens from it. */
  makeCold(envId?: string): Promise<void>;
  /** The gateway that took WeChat's pushes; closed by close(). */
  gateway: Gateway;
  close(): Promise<void>;
}

export async function preparePlatform(emulator: Emulator): Promise<PreparedPlatform> {
  const variables = { ...platformVariables(emulator), WXOPEN_API_BASE: emulator.url, WXOPEN_HTTP_KEY: 'bench-http-key-0123456789abcdef', WXOPEN_LOG_LEVEL: 'silent' };
  const gateway = await startGateway({ env: variables });
  try {
    await preparePlatformDemo({ emulator, gatewayUrl: gateway.url, httpKey: variables.WXOPEN_HTTP_KEY, print: () => undefined });
  } catch (error) {
    await gateway.close();
    throw error;
  }
  const merchant = DEMO_MERCHANTS[0] as string;
  const storeOf = (envId: string) => new CloudbaseTokenStore({ envId, serviceUrl: databaseServiceUrl(emulator.url), env: {} });
  const ticketKey = `ticket:${DEMO_PLATFORM.componentAppId}`;
  const authorizationKey = `authorization:${DEMO_PLATFORM.componentAppId}:${merchant}`;
  const source = storeOf(DEMO_PROVIDER_ENV);
  const ticket = await source.get(COLLECTIONS.platform, ticketKey);
  const authorization = await source.get(COLLECTIONS.platform, authorizationKey);
  if (ticket === undefined || authorization === undefined) {
    await gateway.close();
    throw new Error('the platform demo stored no ticket or authorization');
  }
  return {
    variables,
    merchant,
    gateway,
    async makeCold(envId = DEMO_PROVIDER_ENV) {
      const store = storeOf(envId);
      await store.put(COLLECTIONS.platform, ticketKey, ticket.fields);
      await store.put(COLLECTIONS.platform, authorizationKey, authorization.fields);
      await store.remove(COLLECTIONS.tokens, `component:${DEMO_PLATFORM.componentAppId}`);
      await store.remove(COLLECTIONS.tokens, `authorizer:${DEMO_PLATFORM.componentAppId}:${merchant}`);
    },
    close: () => gateway.close(),
  };
}
