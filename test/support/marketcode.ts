import type { Emulator } from '../../scripts/emulator';
import { SERVICE_ACCOUNT, useAccount, useEmulator } from './emulator';
import { setEnv } from './env';

/**
 * The emulator for market-code tests: reset before each test, the functions acting as the service
 * account (the only kind that may call intp/marketcode/*) with its key in WXOPEN_MARKETCODE_KEY.
 */
export function useMarketCodeEmulator(): () => Emulator {
  const current = useEmulator();
  beforeEach(() => {
    const emulator = current();
    emulator.reset();
    useAccount(emulator, SERVICE_ACCOUNT.appid, SERVICE_ACCOUNT.secret);
    setEnv({ WXOPEN_MARKETCODE_KEY: SERVICE_ACCOUNT.marketcodeKey });
  });
  return current;
}
