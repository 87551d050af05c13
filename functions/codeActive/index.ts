import { defineFunction } from '../../shared/handler/define-function';
import { marketCode } from '../../shared/marketcode/api';
import { codeActiveInput } from '../../shared/marketcode/schemas';

/**
 * codeactive: binds code_start..code_end (inclusive) of a FINISH application to a Mini Program page
 * and product. Activating the same range again is an edit (the same state however often it is sent);
 * a range that overlaps another activated range is refused by WeChat.
 */
export const main = defineFunction({
  name: 'codeActive',
  input: codeActiveInput,
  async run(activation, { wechat }) {
    await marketCode.activate(wechat, activation);
    return { application_id: activation.application_id.toString(), code_start: activation.code_start, code_end: activation.code_end };
  },
});
