import { defineFunction } from '../../shared/handler/define-function';
import { getDownloadLinks, refuseOversizedAnswer } from '../../shared/tcb/download-links';
import { downloadLinksInput } from '../../shared/tcb/schemas';

/**
 * tcb/batchdownloadfile: temporary download links for cloud storage files. Any number of files,
 * in the caller's order; each file has its own status/errmsg (0 = ok).
 */
export const main = defineFunction({
  name: 'getDownloadTcbFileLink',
  input: downloadLinksInput,
  async run({ env, file_list: files }, { wechat }) {
    refuseOversizedAnswer(files);
    const links = await getDownloadLinks(wechat, env, files);
    return { file_list: links, failed: links.filter((link) => link.status !== 0).length };
  },
});
