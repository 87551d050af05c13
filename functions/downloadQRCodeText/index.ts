import { defineFunction } from '../../shared/handler/define-function';
import { qrcodeJump } from '../../shared/qrcode-jump/api';
import { verificationFileUrl } from '../../shared/qrcode-jump/prefix-rules';
import { downloadInput } from '../../shared/qrcode-jump/schemas';

/**
 * qrcodejumpdownload: the verification file WeChat fetches from the prefix's domain when a rule is
 * added. Given the rule's `prefix`, the answer also says where the file must be served (`serve_at`).
 */
export const main = defineFunction({
  name: 'downloadQRCodeText',
  input: downloadInput,
  async run(input, { wechat }) {
    const file = await qrcodeJump.download(wechat);
    const serveAt = input.prefix === undefined ? undefined : verificationFileUrl(input.prefix, file.file_name);
    return serveAt === undefined ? file : { ...file, serve_at: serveAt };
  },
});
