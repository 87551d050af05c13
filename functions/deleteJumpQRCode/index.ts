import { defineFunction } from '../../shared/handler/define-function';
import { qrcodeJump } from '../../shared/qrcode-jump/api';
import { prefixInput } from '../../shared/qrcode-jump/schemas';

/** qrcodejumpdelete: removes a rule (give `appid` for a service-account rule). */
export const main = defineFunction({
  name: 'deleteJumpQRCode',
  input: prefixInput,
  async run(target, { wechat }) {
    await qrcodeJump.remove(wechat, target);
    return { prefix: target.prefix };
  },
});
