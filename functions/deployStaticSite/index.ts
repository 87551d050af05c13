import { defineFunction } from '../../shared/handler/define-function';
import { deployStaticSite } from '../../shared/site/deploy-chain';
import { deploySiteInput } from '../../shared/site/schemas';

/**
 * Deploys a static site into the environment's hosting and, with `qrcode_rule`, brings its
 * "scan a link to open the Mini Program" rule live: uploads only the files whose size or MD5
 * differ from the hosting's listing (several at a time), places the verification file, waits until
 * the hosting really serves it, then adds (and publishes) the rule; `delete_stale` removes what the
 * site no longer has. Safe to run again after any failure: the answer lists each file's outcome
 * and each step, and an error names the step that failed. `dry_run: true` only reads.
 */
export const main = defineFunction({
  name: 'deployStaticSite',
  input: deploySiteInput,
  async run(input, { wechat, config, deadline }) {
    return deployStaticSite(wechat, { apiBase: config.apiBase, deadline }, input);
  },
});
