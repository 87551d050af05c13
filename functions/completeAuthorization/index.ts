import { exchangeAuthorizationCode, missingCapabilities } from '../../shared/component/authorization';
import { completeInput } from '../../shared/component/schemas';
import { defineFunction } from '../../shared/handler/define-function';
import { requireComponent } from '../../shared/tokens/shared-tokens';

/**
 * Exchanges the `auth_code` of the authorization redirect (api_query_auth, once per code) and
 * stores the merchant's refresh token and permission sets, as the `authorized` push does: use it
 * from the redirect page so that the merchant can be served at once. Answers which capabilities
 * the grant leaves out, so a missing permission set shows now rather than as a 61007 later.
 */
export const main = defineFunction({
  name: 'completeAuthorization',
  input: completeInput,
  actsForMerchant: false,
  async run({ auth_code }, { wechat, config }) {
    const info = await exchangeAuthorizationCode(wechat, config, requireComponent(config), auth_code);
    return { authorizer_appid: info.authorizer_appid, permission_sets: info.permission_sets, missing: missingCapabilities(info.permission_sets) };
  },
});
