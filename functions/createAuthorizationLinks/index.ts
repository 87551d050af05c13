import { authorizationLinks } from '../../shared/component/authorization';
import { componentApi } from '../../shared/component/component-api';
import { linksInput } from '../../shared/component/schemas';
import { defineFunction } from '../../shared/handler/define-function';
import { requireComponent } from '../../shared/tokens/shared-tokens';

/**
 * A fresh pre-auth code (api_create_preauthcode, one use) and the two merchant authorization
 * links built from it: `pc_url` (a QR code to scan, opened from the platform's authorization
 * domain) and `mobile_url` (inside WeChat). After the merchant agrees, WeChat redirects to
 * `redirect_uri?auth_code=...` and pushes `authorized` to componentEvents, which stores it.
 */
export const main = defineFunction({
  name: 'createAuthorizationLinks',
  input: linksInput,
  actsForMerchant: false,
  async run(input, { wechat, config }) {
    const component = requireComponent(config);
    const code = await componentApi.createPreAuthCode(wechat, component);
    return { ...authorizationLinks(config.apiBase, component, code.pre_auth_code, input), expires_in: code.expires_in };
  },
});
