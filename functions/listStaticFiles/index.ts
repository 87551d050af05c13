import { defineFunction } from '../../shared/handler/define-function';
import { staticHosting, type StaticFileQuery } from '../../shared/static-hosting/api';
import { listFilesInput } from '../../shared/static-hosting/schemas';

/**
 * componenttcb/staticfilelist: the files of an environment's static hosting (COS ListObjects
 * semantics: `prefix`, `delimiter`, `marker` for the next page when `is_truncated`).
 */
export const main = defineFunction({
  name: 'listStaticFiles',
  input: listFilesInput,
  async run({ env, ...query }, { wechat }) {
    const filtered: StaticFileQuery = {};
    if (query.prefix !== undefined && query.prefix !== '') filtered.prefix = query.prefix;
    if (query.delimiter !== undefined) filtered.delimiter = query.delimiter;
    if (query.marker !== undefined && query.marker !== '') filtered.marker = query.marker;
    return { env, ...(await staticHosting.list(wechat, env, filtered)) };
  },
});
