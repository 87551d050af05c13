import type { Account } from './accounts';
import { cloudOf, type CloudEnv } from './cloud-envs';
import type { Emulator } from './server';
import { COMMON, fail } from './wechat-reply';

/**
 * The `env` a tcb / componenttcb call names, checked against the caller's account:
 * - no `env`                                      → 40101 missing parameter env;
 * - the account owns no CloudBase env at all      → 85088 no qbase privilege (CloudBase not opened);
 * - an env that does not exist or is another
 *   account's (not told apart, so nothing leaks)  → -501007 invalid parameters (CloudBase's
 *                                                     "parameter error"; WeChat's exact text for a
 *                                                     foreign env is not documented).
 */
export function envForCaller(emulator: Emulator, account: Account | undefined, body: Record<string, unknown>): CloudEnv {
  const envId = body['env'];
  if (envId === undefined || envId === null || envId === '') COMMON.missingParameter('env');
  if (typeof envId !== 'string') COMMON.invalidArgs('env must be a string');
  const envs = [...cloudOf(emulator).envs.values()];
  const owner = account?.appid;
  if (!envs.some((env) => env.appid === owner)) fail(85088, 'no qbase privilege');
  const env = cloudOf(emulator).envs.get(envId);
  if (env === undefined || env.appid !== owner) fail(-501007, `[InvalidParameter] env ${envId} not found for this account`);
  return env;
}
