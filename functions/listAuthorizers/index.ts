import { componentApi } from '../../shared/component/component-api';
import { platformState } from '../../shared/component/platform-state';
import { listInput } from '../../shared/component/schemas';
import { defineFunction } from '../../shared/handler/define-function';
import { requireComponent, sharedTokenCacheFor } from '../../shared/tokens/shared-tokens';

/**
 * The merchants that authorized the platform (api_get_authorizer_list), one page, each with
 * `stored`: whether the token store holds its current refresh token. With `recover: true` the
 * refresh tokens the store lacks (or holds an outdated one of) are stored: the way back after a
 * lost store, without asking the merchants to authorize again. Refresh tokens are never answered.
 */
export const main = defineFunction({
  name: 'listAuthorizers',
  input: listInput,
  actsForMerchant: false,
  async run({ offset = 0, count = 100, recover = false }, { wechat, config }) {
    const component = requireComponent(config);
    const store = sharedTokenCacheFor(config).store;
    const page = await componentApi.authorizerList(wechat, component, offset, count);
    const list = [];
    let recovered = 0;
    for (const entry of page.list) {
      const stored = await platformState.readAuthorization(store, component.appId, entry.authorizer_appid);
      let current = stored?.refreshToken === entry.refresh_token;
      if (!current && recover) {
        await platformState.saveAuthorization(store, component.appId, {
          authorizerAppId: entry.authorizer_appid,
          refreshToken: entry.refresh_token,
          permissionSets: stored?.permissionSets ?? [],
          authorizedAt: entry.auth_time * 1000,
        });
        recovered++;
        current = true;
      }
      list.push({ authorizer_appid: entry.authorizer_appid, auth_time: entry.auth_time, stored: current });
    }
    return { total_count: page.total_count, list, ...(recover ? { recovered } : {}) };
  },
});
