import { defineFunction } from '../../shared/handler/define-function';
import { staticHosting } from '../../shared/static-hosting/api';
import { hostingDomainInput } from '../../shared/static-hosting/schemas';

/**
 * componenttcb/describestaticstore: where an environment's static website is served
 * (default domain `<envId>-<tencentAppId>.tcloudbaseapp.com`), its bucket, region and status.
 */
export const main = defineFunction({
  name: 'getStaticHostingDomain',
  input: hostingDomainInput,
  async run({ env }, { wechat }) {
    const store = await staticHosting.describe(wechat, env);
    return { ...store, url: `https://${store.domain}/` };
  },
});
