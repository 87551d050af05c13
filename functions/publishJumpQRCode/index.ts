import { defineFunction } from '../../shared/handler/define-function';
import { qrcodeJump } from '../../shared/qrcode-jump/api';
import { publishInput } from '../../shared/qrcode-jump/schemas';

/**
 * qrcodejumppublish: every user scanning a matching link now opens the released Mini Program.
 * Spends one of the 100 monthly publishes; it is never retried after an unclear failure.
 */
export const main = defineFunction({
  name: 'publishJumpQRCode',
  input: publishInput,
  async run({ prefix }, { wechat }) {
    await qrcodeJump.publish(wechat, prefix);
    return { prefix };
  },
});
