import { AsyncLocalStorage } from 'node:async_hooks';

/** Variables one function sees on top of the process's (undefined: unset for that function). */
export type EnvOverrides = Readonly<Record<string, string | undefined>>;

const scope = new AsyncLocalStorage<Record<string, string | undefined>>();
let installed: { original: NodeJS.ProcessEnv; users: number } | undefined;

/**
 * On the platform every function runs in a container of its own with its own variables. In one
 * process, process.env is shared, so it becomes a view: inside runWithEnv(overrides, fn) (and
 * everything fn awaits) the overrides win; elsewhere the process's own variables show. Writes made
 * inside a scope to an overridden name stay in that scope. Reference-counted; the returned function
 * puts the plain process.env back once the last user is done.
 */
export function installScopedEnv(): () => void {
  if (installed === undefined) {
    const original = process.env;
    const current = (): Record<string, string | undefined> | undefined => scope.getStore();
    const overridden = (key: string | symbol): key is string => typeof key === 'string' && current() !== undefined && Object.hasOwn(current() as object, key);
    const view = new Proxy(original, {
      get: (target, key) => (overridden(key) ? current()?.[key] : Reflect.get(target, key)),
      has: (target, key) => (overridden(key) ? current()?.[key] !== undefined : Reflect.has(target, key)),
      set: (target, key, value) => {
        if (!overridden(key)) return Reflect.set(target, key, String(value));
        (current() as Record<string, string | undefined>)[key] = String(value);
        return true;
      },
      deleteProperty: (target, key) => {
        if (!overridden(key)) return Reflect.deleteProperty(target, key);
        (current() as Record<string, string | undefined>)[key] = undefined;
        return true;
      },
      ownKeys: (target) => {
        const store = current();
        if (store === undefined) return Reflect.ownKeys(target);
        const keys = new Set(Reflect.ownKeys(target));
        for (const [key, value] of Object.entries(store)) {
          if (value === undefined) keys.delete(key);
          else keys.add(key);
        }
        return [...keys];
      },
      getOwnPropertyDescriptor: (target, key) => {
        if (!overridden(key)) return Reflect.getOwnPropertyDescriptor(target, key);
        const value = current()?.[key];
        return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
      },
    });
    process.env = view;
    installed = { original, users: 0 };
  }
  installed.users++;
  let released = false;
  return () => {
    if (released || installed === undefined) return;
    released = true;
    installed.users--;
    if (installed.users === 0) {
      process.env = installed.original;
      installed = undefined;
    }
  };
}

/** Runs fn (and all it awaits) seeing `overrides` in process.env. Needs installScopedEnv() first. */
export function runWithEnv<T>(overrides: EnvOverrides, fn: () => T): T {
  return scope.run({ ...overrides }, fn);
}
