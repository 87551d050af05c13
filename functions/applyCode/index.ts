import { defineFunction } from '../../shared/handler/define-function';
import { marketCode } from '../../shared/marketcode/api';
import { applyCodeInput } from '../../shared/marketcode/schemas';

/**
 * applycode: applies for code_count market codes (10 000 to 20 000 000, a multiple of 10 000).
 * isv_application_id is WeChat's idempotency key: calling again with the same value answers the
 * same application_id instead of creating a second application, which is what makes a retry safe.
 * Use a new isv_application_id only for a new application.
 */
export const main = defineFunction({
  name: 'applyCode',
  input: applyCodeInput,
  async run(request, { wechat }) {
    const { application_id } = await marketCode.apply(wechat, request);
    return { application_id, isv_application_id: request.isv_application_id, code_count: request.code_count };
  },
});
