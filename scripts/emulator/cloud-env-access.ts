import { permissionRequirementOf } from '../../shared/component/permission-sets';
import type { Account } from './accounts';
import { cloudOf, type CloudEnv } from './cloud-envs';
import { platformsOf } from './platforms';
import type { Emulator } from './server';
import type { TokenRecord } from './tokens';
import { COMMON, fail } from './wechat-reply';

/**
 * The `env` a tcb / componenttcb call names, checked against the caller's account:
 * - no `env`                                      → 40101 missing parameter env;
 * - the account owns no CloudBase env at all      → 85088 no qbase privilege (CloudBase not opened);
 * - an env that does not exist or is another
 *   account's (not told apart, so nothing leaks)  → -501007 invalid parameters (CloudBase's
 *                                                     "parameter error"; WeChat's exact text for a
 *                                                     foreign env is not documented).
 * With the component token of a registered third-party platform (`token`), the env must belong to
 * a merchant that authorized the platform (else the same -501007) with a CloudBase permission set
 * (49 or 64, else 61007 api is unauthorized to component).
 */
export function envForCaller(emulator: Emulator, account: Account | undefined, body: Record<string, unknown>, token?: TokenRecord): CloudEnv {
  const envId = body['env'];
  if (envId === undefined || envId === null || envId === '') COMMON.missingParameter('env');
  if (typeof envId !== 'string') COMMON.invalidArgs('env must be a string');
  const platform = token?.kind === 'component' ? platformsOf(emulator).get(token.appid) : undefined;
  if (platform !== undefined) {
    const env = cloudOf(emulator).envs.get(envId);
    const authorization = env === undefined ? undefined : platform.authorizations.get(env.appid);
    if (env === undefined || authorization === undefined) fail(-501007, `[InvalidParameter] env ${envId} not found for this account`);
    const sets = permissionRequirementOf('componenttcb/')?.sets ?? [];
    if (!sets.some((id) => authorization.permissionSets.includes(id))) fail(61007, 'api is unauthorized to component');
    return env;
  }
  const envs = [...cloudOf(emulator).envs.values()];
  const owner = account?.appid;
  if (!envs.some((env) => env.appid === owner)) fail(85088, 'no qbase privilege');
  const env = cloudOf(emulator).envs.get(envId);
  if (env === undefined || env.appid !== owner) fail(-501007, `[InvalidParameter] env ${envId} not found for this account`);
  return env;
}
