import { defineFunction } from '../../shared/handler/define-function';
import { log } from '../../shared/log';
import { staticHosting } from '../../shared/static-hosting/api';
import { contentTypeFor } from '../../shared/static-hosting/content-type';
import { uploadFileInput } from '../../shared/static-hosting/schemas';
import { uploadStaticFile } from '../../shared/static-hosting/upload';

function servedUrl(domain: string, filename: string): string {
  return `https://${domain}/${filename.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Uploads one file to an environment's static hosting (signed link, then PUT). Answers the
 * normalised filename, size, content type and, when describestaticstore knows the domain, the URL
 * the file is served at. The signed URL and the security token never appear in the answer.
 */
export const main = defineFunction({
  name: 'uploadStaticFile',
  input: uploadFileInput,
  async run(input, { wechat, config, deadline }) {
    const bytes = input.content !== undefined ? new TextEncoder().encode(input.content) : new Uint8Array(Buffer.from(input.content_base64 ?? '', 'base64'));
    const contentType = input.content_type ?? contentTypeFor(input.filename);
    const result = await uploadStaticFile(wechat, { apiBase: config.apiBase, deadline }, { env: input.env, filename: input.filename, bytes, contentType });
    try {
      const store = await staticHosting.describe(wechat, input.env);
      return { ...result, url: servedUrl(store.domain, result.filename) };
    } catch (error) {
      // The upload is done; only its public URL is unknown. Say so rather than fail a finished upload.
      log('warn', 'uploaded, but the hosting domain could not be looked up', { env: input.env, errcode: (error as { errcode?: number }).errcode });
      return result;
    }
  },
});
