import { defineFunction } from '../../shared/handler/define-function';
import { staticHosting } from '../../shared/static-hosting/api';
import { uploadLinkInput } from '../../shared/static-hosting/schemas';

/**
 * componenttcb/staticuploadfile: a signed link to upload one static-hosting file (PUT the bytes to
 * `signed_url` with header `x-cos-security-token: <token>` within about a minute). The link and token
 * are the answer, as WeChat gives them; uploadStaticFile does the PUT for you without ever showing them.
 */
export const main = defineFunction({
  name: 'getUploadStaticStoreFile',
  input: uploadLinkInput,
  async run({ env, filename }, { wechat }) {
    const link = await staticHosting.uploadLink(wechat, env, filename);
    return { filename, signed_url: link.signed_url, token: link.token };
  },
});
