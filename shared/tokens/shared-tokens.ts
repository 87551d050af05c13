import type { ComponentConfig, Config } from '../config';
import { DEFAULT_LEASE_MS, DEFAULT_REFRESH_BUDGET_PER_DAY } from '../config';
import { LOCAL } from '../error-codes';
import { LocalError } from '../errors';
import { SharedTokenCache } from './shared-token-cache';
import { selectTokenStore } from './store/select-store';
import type { TokenStore } from './store/token-store';

type Env = Readonly<Record<string, string | undefined>>;

const caches = new Map<TokenStore, Map<string, SharedTokenCache>>();

/** This instance's cache over the configured token store (one per store and budget, kept while warm). */
export function sharedTokenCacheFor(config: Config, env: Env = process.env): SharedTokenCache {
  const store = selectTokenStore(config.tokenStore, env);
  const budgetPerDay = config.component?.refreshBudgetPerDay ?? DEFAULT_REFRESH_BUDGET_PER_DAY;
  const leaseMs = config.component?.leaseMs ?? DEFAULT_LEASE_MS;
  let bySettings = caches.get(store);
  if (bySettings === undefined) {
    bySettings = new Map();
    caches.set(store, bySettings);
  }
  const key = `${budgetPerDay}:${leaseMs}`;
  let cache = bySettings.get(key);
  if (cache === undefined) {
    cache = new SharedTokenCache(store, { budgetPerDay, leaseMs });
    bySettings.set(key, cache);
  }
  return cache;
}

/** The platform's configuration, or the error that says how to set it. */
export function requireComponent(config: Config): ComponentConfig {
  if (config.component === undefined) {
    throw new LocalError(LOCAL.COMPONENT_NOT_CONFIGURED, 'WXOPEN_COMPONENT_APPID: acting for a merchant (authorizer_appid) needs the third-party platform configured', { field: 'WXOPEN_COMPONENT_APPID' });
  }
  return config.component;
}
