import { defineFunction } from '../../shared/handler/define-function';
import { qrcodeJump } from '../../shared/qrcode-jump/api';
import { getRulesInput } from '../../shared/qrcode-jump/schemas';

/** qrcodejumpget: the rules with their state (1 unpublished, 2 published) and the publish quota left. */
export const main = defineFunction({
  name: 'getJumpQRCode',
  input: getRulesInput,
  async run(query, { wechat }) {
    return qrcodeJump.list(wechat, query);
  },
});
