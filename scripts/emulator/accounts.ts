import { createHash } from 'node:crypto';

export type AccountType = 'miniprogram' | 'personal-miniprogram' | 'service';

/** A WeChat account known to the emulator. */
export interface Account {
  appid: string;
  secret: string;
  type: AccountType;
  /** Whether the Mini Program has a released version (publishing QR rules needs one: 85074). */
  released: boolean;
  /** Service accounts: the Mini Programs linked to them (service-account QR rules need a link). */
  linkedMiniPrograms: string[];
  /** Market codes: the 16-character AES key WeChat issues with the capability. */
  marketcodeKey?: string;
}

/** Accounts every emulator starts with; `npm start` and the tests use them. */
export const DEMO_ACCOUNTS: readonly Account[] = [
  { appid: 'wx1111111111111111', secret: 'demo-secret-miniprogram-0001', type: 'miniprogram', released: true, linkedMiniPrograms: [] },
  { appid: 'wx2222222222222222', secret: 'demo-secret-personal-00002', type: 'personal-miniprogram', released: true, linkedMiniPrograms: [] },
  {
    appid: 'wx3333333333333333',
    secret: 'demo-secret-service-account-3',
    type: 'service',
    released: true,
    linkedMiniPrograms: ['wx1111111111111111'],
    marketcodeKey: 'demoMarketKey016',
  },
  { appid: 'wx4444444444444444', secret: 'demo-secret-unreleased-00004', type: 'miniprogram', released: false, linkedMiniPrograms: [] },
  // A second released Mini Program: the demo platform's second merchant.
  { appid: 'wx5555555555555555', secret: 'demo-secret-miniprogram-0005', type: 'miniprogram', released: true, linkedMiniPrograms: [] },
];

/** The account's fixed domain-verification file (10 letters/digits + .txt, 32 hex), as WeChat's look. */
export function verificationFileOf(appid: string): { file_name: string; file_content: string } {
  const digest = createHash('sha256').update(`qrcodejump-verify:${appid}`).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let name = '';
  for (let i = 0; i < 10; i++) name += alphabet[(digest[i] ?? 0) % alphabet.length];
  return { file_name: `${name}.txt`, file_content: digest.subarray(10, 26).toString('hex') };
}
