import { existsSync } from 'node:fs';
import { LOCAL } from '../../shared/error-codes';
import { LocalError } from '../../shared/errors';
import { redact } from '../../shared/redact';
import { bundlePath, functionNames } from '../function-catalogue';
import type { ScfContext } from './scf-context';

/** A built bundle's handler, as SCF calls it. */
export type BundleMain = (event: unknown, context: unknown) => unknown;

/** Why a call could not reach the function (each maps to a local error code and an HTTP status). */
export function unknownFunction(name: string): LocalError {
  return new LocalError(LOCAL.GATEWAY_UNKNOWN_FUNCTION, `no function named "${name}"; known: ${functionNames().join(', ')}`);
}

export function notBuilt(name: string): LocalError {
  return new LocalError(LOCAL.GATEWAY_NOT_BUILT, `${name} is not built (${bundlePath(name)} is missing): run npm run build`);
}

/** Loads one built bundle's handler from dist/ as a fresh module instance (a new container). */
export function loadBuiltBundle(name: string): BundleMain {
  if (!/^[A-Za-z0-9_-]+$/.test(name) || !functionNames().includes(name)) throw unknownFunction(name);
  const file = bundlePath(name);
  if (!existsSync(file)) throw notBuilt(name);
  delete require.cache[require.resolve(file)];
  const loaded = require(file) as { main?: unknown };
  if (typeof loaded.main !== 'function') {
    throw new LocalError(LOCAL.GATEWAY_FUNCTION_FAILED, `${name}: the bundle does not export main`);
  }
  return loaded.main as BundleMain;
}

/**
 * Loads built bundles the way a warm SCF container keeps them: each function's module is loaded
 * once (module code runs once) and its `main` reused for every later call. Works for any folder
 * under functions/; nothing here knows a function by name.
 */
export class BundleHost {
  private readonly loaded = new Map<string, BundleMain>();

  constructor(private readonly loadBundle: (name: string) => BundleMain = loadBuiltBundle) {}

  /** The function's handler, loading it on first use. Throws a LocalError for unknown or unbuilt names. */
  load(name: string): BundleMain {
    let main = this.loaded.get(name);
    if (main === undefined) {
      main = this.loadBundle(name);
      this.loaded.set(name, main);
    }
    return main;
  }

  /**
   * Calls the handler with the context SCF gives. The answer is raced against the function's
   * timeout (the platform stops waiting then; here the call's promise is simply abandoned). A
   * throw becomes GATEWAY_FUNCTION_FAILED, as the platform reports a failed invocation.
   */
  async invoke(name: string, event: unknown, context: ScfContext): Promise<unknown> {
    const main = this.load(name);
    const wrapped = { ...context, getContext: () => context, callbackWaitsForEmptyEventLoop: true };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LocalError(LOCAL.GATEWAY_FUNCTION_TIMEOUT, `${name} did not answer within ${context.time_limit_in_ms} ms`)),
        context.time_limit_in_ms,
      );
      timer.unref();
    });
    try {
      return await Promise.race([Promise.resolve().then(() => main(event, wrapped)), timeout]);
    } catch (error) {
      if (error instanceof LocalError && error.errcode === LOCAL.GATEWAY_FUNCTION_TIMEOUT) throw error;
      throw new LocalError(LOCAL.GATEWAY_FUNCTION_FAILED, redact(`${name} failed: ${error instanceof Error ? error.message : String(error)}`), { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
