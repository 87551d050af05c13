import * as v from 'valibot';
import { authorizerAppId } from '../component/authorizer-appid';
import { validateInput } from './validate';

const merchantInput = v.object({ authorizer_appid: v.optional(authorizerAppId) });

/**
 * Takes `authorizer_appid` out of an operation's input: the merchant the call acts for in
 * third-party mode (its authorizer token instead of the account's own token). The rest is the
 * operation's input, validated by the operation's schema.
 */
export function takeMerchant(input: Record<string, unknown>): { merchant: string | undefined; rest: Record<string, unknown> } {
  if (!Object.prototype.hasOwnProperty.call(input, 'authorizer_appid')) return { merchant: undefined, rest: input };
  const { authorizer_appid: given, ...rest } = input;
  const { authorizer_appid: merchant } = validateInput(merchantInput, { authorizer_appid: given });
  return { merchant, rest };
}
