import { defineFunction } from '../../shared/handler/define-function';
import { setupQRCodeJump } from '../../shared/qrcode-jump/setup-chain';
import { setupInput } from '../../shared/qrcode-jump/schemas';

/**
 * The whole "scan a link to open the Mini Program" set-up in one call: find the environment's
 * hosting domain, get the verification file, serve it from the prefix's last directory, add (or
 * edit) the rule and, with `publish: true`, publish it. Safe to run again after any failure; the
 * answer lists each step, and an error names the step that failed and the steps done before it.
 */
export const main = defineFunction({
  name: 'setupQRCodeJump',
  input: setupInput,
  async run(input, { wechat, config, deadline }) {
    return setupQRCodeJump(wechat, { apiBase: config.apiBase, deadline }, input);
  },
});
