/**
 * Which emulator demo account each function acts as under `npm start`, so that every function
 * works out of the box: market codes exist only for a service account (with the capability's
 * key), everything else acts as the released demo Mini Program, whose static hosting takes a
 * third-party platform's component token.
 */
import { DEMO_ACCOUNTS, type Account } from '../emulator/accounts';
import { DEMO_ENVS, type CloudEnv } from '../emulator/cloud-envs';
import type { Emulator } from '../emulator';

/** The functions that call intp/marketcode/* (only a service account may). */
export const MARKET_CODE_FUNCTIONS: readonly string[] = ['applyCode', 'applyCodeQuery', 'applyCodeDownload', 'codeActive', 'codeActiveQuery', 'ticketToCode', 'exportCodePackage'];

/** The component token lasts 30 days, so that a long-running `npm start` keeps working. */
const COMPONENT_TOKEN_TTL_SECONDS = 30 * 86400;

export interface ActingGroup {
  /** What the group's functions do, for the printed block. */
  title: string;
  account: Account;
  /** The account's CloudBase environment in the emulator. */
  cloudEnv: CloudEnv;
  functions: string[];
  /** The variables that make a function act as this account. */
  env: Record<string, string>;
}

function demoAccount(match: (account: Account) => boolean, what: string): { account: Account; cloudEnv: CloudEnv } {
  const account = DEMO_ACCOUNTS.find(match);
  if (account === undefined) throw new Error(`the emulator has no ${what} demo account`);
  const cloudEnv = DEMO_ENVS.find((candidate) => candidate.appid === account.appid);
  if (cloudEnv === undefined) throw new Error(`the emulator has no CloudBase environment for ${account.appid}`);
  return { account, cloudEnv };
}

/** Splits `functionNames` into the two groups (a function not known as a market-code one goes with the Mini Program). */
export function actingGroups(emulator: Emulator, functionNames: readonly string[]): [miniProgram: ActingGroup, marketCodes: ActingGroup] {
  const mini = demoAccount((account) => account.type === 'miniprogram' && account.released, 'released Mini Program');
  const service = demoAccount((account) => account.type === 'service' && account.marketcodeKey !== undefined, 'service account with market codes');
  return [
    {
      title: 'QR-code jump, TCB files, static hosting',
      ...mini,
      functions: functionNames.filter((name) => !MARKET_CODE_FUNCTIONS.includes(name)),
      env: {
        WXOPEN_APPID: mini.account.appid,
        WXOPEN_APPSECRET: mini.account.secret,
        WXOPEN_COMPONENT_ACCESS_TOKEN: emulator.tokens.issue(mini.account.appid, 'component', COMPONENT_TOKEN_TTL_SECONDS).value,
      },
    },
    {
      title: 'market codes',
      ...service,
      functions: functionNames.filter((name) => MARKET_CODE_FUNCTIONS.includes(name)),
      env: {
        WXOPEN_APPID: service.account.appid,
        WXOPEN_APPSECRET: service.account.secret,
        WXOPEN_MARKETCODE_KEY: service.account.marketcodeKey as string,
      },
    },
  ];
}

/** The group a function belongs to. */
export function groupOf(groups: readonly ActingGroup[], functionName: string): ActingGroup | undefined {
  return groups.find((group) => group.functions.includes(functionName));
}
