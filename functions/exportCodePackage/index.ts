import { defineFunction } from '../../shared/handler/define-function';
import { exportCodePackage } from '../../shared/marketcode/export-package';
import { exportInput } from '../../shared/marketcode/schemas';
import { marketCodeKey } from '../../shared/marketcode/segment-download';

/**
 * Waits (within the time budget) for the application to be FINISH, then downloads every generated
 * segment, decrypts it with WXOPEN_MARKETCODE_KEY, stores it in the env's cloud storage at
 * marketcode/<application_id>/<code_start>-<code_end>.txt and answers download links
 * (export_status "done"). Out of time, or not FINISH yet: export_status "pending" with what is
 * known; calling again continues, never downloading a segment whose file is already stored.
 */
export const main = defineFunction({
  name: 'exportCodePackage',
  input: exportInput,
  async run(request, { wechat }) {
    const key = marketCodeKey();
    return exportCodePackage(wechat, key, request);
  },
});
