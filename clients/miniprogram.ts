/**
 * A typed caller of the functions from a Mini Program: `wx.cloud.callFunction({name, data})` with
 * the function's input type, its success answer typed, an error answer thrown as a
 * FunctionCallError. Types of `wx.cloud` from miniprogram-api-typings; type-checked by
 * examples/miniprogram/tsconfig.json (WeChat's globals), not by the root tsconfig (Node's).
 * The caller's OPENID must be in the functions' WXOPEN_ADMIN_OPENIDS (990006 otherwise).
 *
 *   const wxopen = createCloudClient();        // after wx.cloud.init({ env })
 *   const { rule_list } = await wxopen.call('getJumpQRCode', {});
 */
import { FunctionCallError } from './call-error';
import { isErrorAnswer, type AnyAnswer, type Answer, type FunctionName, type Input } from './function-types';

/** What the client needs of `wx.cloud` (a `wx.cloud.Cloud` instance for another environment fits too). */
export type CallFunctionHost = Pick<WxCloud, 'callFunction'>;

export interface CloudClient {
  /** Calls function `name`: its success answer, or a thrown FunctionCallError. */
  call<N extends FunctionName>(name: N, input: Input<N>): Promise<Answer<N>>;
  /** Calls function `name` and gives whichever answer came (nothing thrown for an error answer). */
  answer<N extends FunctionName>(name: N, input: Input<N>): Promise<AnyAnswer<N>>;
}

export function createCloudClient(cloud: CallFunctionHost = wx.cloud): CloudClient {
  async function answer<N extends FunctionName>(name: N, input: Input<N>): Promise<AnyAnswer<N>> {
    const { result } = await cloud.callFunction({ name, data: input as WechatMiniprogram.IAnyObject });
    if (typeof result !== 'object' || result === null || typeof (result as { errcode?: unknown }).errcode !== 'number') {
      throw new Error(`${name}: the function answered no errcode: ${JSON.stringify(result)?.slice(0, 200) ?? String(result)}`);
    }
    return result as AnyAnswer<N>;
  }
  return {
    answer,
    async call(name, input) {
      const result = await answer(name, input);
      if (isErrorAnswer(result)) throw new FunctionCallError(name, result);
      return result as Answer<typeof name>;
    },
  };
}
