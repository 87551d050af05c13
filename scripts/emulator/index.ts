import { DEMO_ACCOUNTS } from './accounts';
import { DEFAULT_MODULES } from './modules';
import { Emulator, type EmulatorOptions } from './server';

/** Starts an emulator (on a free port of 127.0.0.1 unless told otherwise). */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new Emulator(options.accounts ?? DEMO_ACCOUNTS, options.settings);
  for (const install of options.modules ?? DEFAULT_MODULES) install(emulator);
  await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  return emulator;
}

export { Emulator, DEMO_ACCOUNTS };
export type { EmulatorOptions };
