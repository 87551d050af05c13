import type { TokenStoreConfig } from '../../config';
import { MemoryTokenStore } from './memory-token-store';
import type { TokenStore } from './token-store';

/** This instance's memory store: module state, so it lives as long as the warm instance. */
const memoryStore = new MemoryTokenStore();
const databaseStores = new Map<string, TokenStore>();

type Env = Readonly<Record<string, string | undefined>>;

/** The environment the database store uses: WXOPEN_TOKEN_STORE_ENV, else the function's own. */
function storeEnvId(config: Extract<TokenStoreConfig, { kind: 'cloudbase' }>, env: Env): string | undefined {
  return config.envId ?? env['TCB_ENV'] ?? env['SCF_NAMESPACE'];
}

/**
 * The token store the configuration names. The database store's module (which bundles
 * @cloudbase/node-sdk, about 1 MB) is a file of its own beside the function's bundle and is
 * loaded here on first use only, so functions and calls that never need it start as fast as before.
 */
export function selectTokenStore(config: TokenStoreConfig, env: Env = process.env): TokenStore {
  if (config.kind === 'memory') return memoryStore;
  const envId = storeEnvId(config, env);
  const key = `${envId ?? ''}|${config.serviceUrl ?? ''}`;
  let store = databaseStores.get(key);
  if (store === undefined) {
    // Kept out of the function bundle by the build (scripts/build.ts): see the note above.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { CloudbaseTokenStore } = require('./cloudbase-token-store') as typeof import('./cloudbase-token-store');
    store = new CloudbaseTokenStore({ envId, serviceUrl: config.serviceUrl, env });
    databaseStores.set(key, store);
  }
  return store;
}
