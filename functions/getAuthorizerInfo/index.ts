import { missingCapabilities } from '../../shared/component/authorization';
import { componentApi } from '../../shared/component/component-api';
import { platformState } from '../../shared/component/platform-state';
import { infoInput } from '../../shared/component/schemas';
import { defineFunction } from '../../shared/handler/define-function';
import { requireComponent, sharedTokenCacheFor } from '../../shared/tokens/shared-tokens';

/**
 * One merchant as WeChat knows it (api_get_authorizer_info: name, type, principal) and as the
 * store knows it (`stored`: whether its refresh token is there), with the permission sets it
 * granted and the capabilities they leave out. The refresh token itself is never answered.
 */
export const main = defineFunction({
  name: 'getAuthorizerInfo',
  input: infoInput,
  actsForMerchant: false,
  async run({ authorizer_appid }, { wechat, config }) {
    const component = requireComponent(config);
    const { account, authorization } = await componentApi.authorizerInfo(wechat, component, authorizer_appid);
    const stored = await platformState.readAuthorization(sharedTokenCacheFor(config).store, component.appId, authorizer_appid);
    const pick = (name: string) => (typeof account[name] === 'string' || typeof account[name] === 'number' ? { [name]: account[name] } : {});
    return {
      authorizer_appid,
      account: { ...pick('nick_name'), ...pick('user_name'), ...pick('principal_name'), ...pick('alias') },
      permission_sets: authorization.permission_sets,
      missing: missingCapabilities(authorization.permission_sets),
      stored: stored !== undefined,
    };
  },
});
