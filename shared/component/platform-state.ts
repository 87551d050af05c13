import { COLLECTIONS, type StoreRecord, type TokenStore } from '../tokens/store/token-store';

/** A component_verify_ticket is valid 12 hours after WeChat pushed it. */
export const TICKET_LIFETIME_MS = 12 * 3_600_000;

export interface StoredTicket {
  ticket: string;
  /** CreateTime of the push (epoch s), which orders pushes that arrive out of order. */
  createTime: number;
  receivedAt: number;
}

/** A merchant's authorization of the platform, as api_query_auth answered it. */
export interface Authorization {
  authorizerAppId: string;
  refreshToken: string;
  /** The permission sets (funcscope_category ids) the merchant granted. */
  permissionSets: readonly number[];
  authorizedAt: number;
}

const ticketKey = (componentAppId: string) => `ticket:${componentAppId}`;
const authorizationKey = (componentAppId: string, authorizerAppId: string) => `authorization:${componentAppId}:${authorizerAppId}`;

/**
 * The platform's durable state in the token store: the newest ticket per platform (keyed by the
 * pushed AppId, so two platforms sharing a store never overwrite each other's) and each merchant's
 * authorization (refresh token and permission sets).
 */
export const platformState = {
  /** Keeps the ticket unless a newer one (by CreateTime) is already stored. True when stored. */
  async saveTicket(store: TokenStore, componentAppId: string, ticket: StoredTicket): Promise<boolean> {
    const fields: StoreRecord = { ticket: ticket.ticket, createTime: ticket.createTime, receivedAt: ticket.receivedAt };
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await store.get(COLLECTIONS.platform, ticketKey(componentAppId));
      if (current === undefined) {
        if (await store.create(COLLECTIONS.platform, ticketKey(componentAppId), fields)) return true;
        continue;
      }
      const storedTime = current.fields['createTime'];
      if (typeof storedTime === 'number' && storedTime >= ticket.createTime) return false;
      if (await store.replace(COLLECTIONS.platform, ticketKey(componentAppId), { version: current.version }, fields)) return true;
    }
    return false;
  },

  async readTicket(store: TokenStore, componentAppId: string): Promise<StoredTicket | undefined> {
    const doc = await store.get(COLLECTIONS.platform, ticketKey(componentAppId));
    const { ticket, createTime, receivedAt } = doc?.fields ?? {};
    if (typeof ticket !== 'string' || typeof createTime !== 'number' || typeof receivedAt !== 'number') return undefined;
    return { ticket, createTime, receivedAt };
  },

  async saveAuthorization(store: TokenStore, componentAppId: string, authorization: Authorization): Promise<void> {
    await store.put(COLLECTIONS.platform, authorizationKey(componentAppId, authorization.authorizerAppId), {
      authorizerAppId: authorization.authorizerAppId,
      refreshToken: authorization.refreshToken,
      permissionSets: [...authorization.permissionSets],
      authorizedAt: authorization.authorizedAt,
    });
  },

  async readAuthorization(store: TokenStore, componentAppId: string, authorizerAppId: string): Promise<Authorization | undefined> {
    const doc = await store.get(COLLECTIONS.platform, authorizationKey(componentAppId, authorizerAppId));
    const { refreshToken, permissionSets, authorizedAt } = doc?.fields ?? {};
    if (typeof refreshToken !== 'string' || refreshToken === '') return undefined;
    return {
      authorizerAppId,
      refreshToken,
      permissionSets: Array.isArray(permissionSets) ? permissionSets.filter((id): id is number => typeof id === 'number') : [],
      authorizedAt: typeof authorizedAt === 'number' ? authorizedAt : 0,
    };
  },

  /**
   * Stores a rotated refresh token while the stored one is still `current` (the one exchanged);
   * a newer authorization meanwhile wins, and its permission sets are left as they are.
   */
  async rotateRefreshToken(store: TokenStore, componentAppId: string, authorizerAppId: string, current: string, refreshToken: string): Promise<boolean> {
    return store.replace(COLLECTIONS.platform, authorizationKey(componentAppId, authorizerAppId), { fields: { refreshToken: current } }, { refreshToken });
  },

  async removeAuthorization(store: TokenStore, componentAppId: string, authorizerAppId: string): Promise<boolean> {
    return store.remove(COLLECTIONS.platform, authorizationKey(componentAppId, authorizerAppId));
  },
};

/** Token ids in the store (never secrets): one component token per platform, one token per merchant. */
export const componentTokenId = (componentAppId: string) => `component:${componentAppId}`;
export const authorizerTokenId = (componentAppId: string, authorizerAppId: string) => `authorizer:${componentAppId}:${authorizerAppId}`;
