import { defineFunction } from '../../shared/handler/define-function';
import { qrcodeJump } from '../../shared/qrcode-jump/api';
import { jumpRuleInput } from '../../shared/qrcode-jump/schemas';

/**
 * qrcodejumpadd: adds (is_edit 0) or modifies (is_edit 1) a rule. Ordinary-link rules take prefix,
 * permit_sub_rule, path, open_version, debug_url and is_edit; service-account rules take prefix
 * (http://weixin.qq.com/q/...), appid, path and is_edit.
 */
export const main = defineFunction({
  name: 'addJumpQRCode',
  input: jumpRuleInput,
  async run(rule, { wechat }) {
    await qrcodeJump.add(wechat, rule);
    return { prefix: rule.prefix };
  },
});
