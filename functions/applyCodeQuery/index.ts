import { defineFunction } from '../../shared/handler/define-function';
import { marketCode } from '../../shared/marketcode/api';
import { applyCodeQueryInput } from '../../shared/marketcode/schemas';

/**
 * applycodequery: an application's status ("FINISH" when its codes can be downloaded) and its
 * generated segments (code_generate_list), by application_id or by isv_application_id.
 */
export const main = defineFunction({
  name: 'applyCodeQuery',
  input: applyCodeQueryInput,
  async run(query, { wechat }) {
    return marketCode.query(wechat, query);
  },
});
