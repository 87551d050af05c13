import { defineFunction } from '../../shared/handler/define-function';
import { marketCode } from '../../shared/marketcode/api';
import { codeActiveQueryInput } from '../../shared/marketcode/schemas';

/**
 * codeactivequery: one code's application and activation, looked up by application_id + code_index,
 * by the 9-character `code`, or by `code_url`. `activated` says whether its range has been activated.
 */
export const main = defineFunction({
  name: 'codeActiveQuery',
  input: codeActiveQueryInput,
  async run(lookup, { wechat }) {
    return marketCode.lookup(wechat, lookup);
  },
});
