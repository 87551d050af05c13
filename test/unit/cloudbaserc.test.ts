import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cloudbaseRcInSync, ENV_VARIABLES, readCloudbaseRc, syncCloudbaseRc, TIMEOUT_SECONDS } from '../../scripts/cloudbaserc';
import { CLOUDBASERC, DIST_FUNCTIONS_DIR, functionNames, ROOT } from '../../scripts/function-catalogue';

/**
 * cloudbaserc.json against what the CLI 2.12.10 deployer (manager-node configToParams) reads. The
 * CLI validates nothing locally, so a wrong value would only fail in the cloud: it is checked here.
 */
const NODE_RUNTIMES = ['Nodejs24.11', 'Nodejs22.21', 'Nodejs20.19', 'Nodejs18.15', 'Nodejs16.13'];
const ALLOWED_KEYS = new Set(['name', 'dir', 'handler', 'runtime', 'timeout', 'memorySize', 'installDependency', 'ignore', 'envVariables', 'vpc', 'triggers', 'layers', 'path', 'type', 'description', 'initTimeout']);

const text = readFileSync(CLOUDBASERC, 'utf8');
const rc = readCloudbaseRc()!;

/** The Node runtimes the installed CLI offers (its RuntimeOptions list), read from its bundle. */
function cliNodeRuntimes(): string[] {
  const cli = readFileSync(require.resolve('@cloudbase/cli/dist/standalone/cli.js'), 'utf8');
  const block = /exports\.RuntimeOptions = \[([\s\S]*?)\];/.exec(cli)?.[1] ?? '';
  return [...block.matchAll(/value: '(Nodejs[\d.]+)'/g)].map((match) => match[1] as string);
}

describe('cloudbaserc.json', () => {
  it('checks against the runtimes the installed CLI really offers (a CLI upgrade that changes them fails here)', () => {
    expect(cliNodeRuntimes()).toEqual(NODE_RUNTIMES);
  });

  it('is a version 2.0 config whose envId comes from ENV_ID and whose functionRoot holds the bundles', () => {
    expect(rc.version).toBe('2.0');
    expect(rc.envId).toBe('{{env.ENV_ID}}');
    expect(resolve(ROOT, rc.functionRoot)).toBe(DIST_FUNCTIONS_DIR);
  });

  it('has exactly one entry per function folder, and a folder for every entry', () => {
    const names = rc.functions.map((entry) => entry.name);
    expect(names).toEqual(functionNames());
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(existsSync(join(ROOT, 'functions', name, 'index.ts'))).toBe(true);
  });

  it('gives every function values the platform accepts', () => {
    for (const entry of rc.functions) {
      const problems: string[] = [];
      for (const key of Object.keys(entry)) if (!ALLOWED_KEYS.has(key)) problems.push(`unknown key ${key}`);
      if (entry.runtime !== 'Nodejs18.15' || !NODE_RUNTIMES.includes(entry.runtime)) problems.push(`runtime ${entry.runtime}`);
      if (entry.handler !== 'index.main') problems.push(`handler ${entry.handler}`);
      if (!Number.isInteger(entry.timeout) || entry.timeout < 1 || entry.timeout > 900) problems.push(`timeout ${entry.timeout} outside 1-900 s`);
      const memory = entry.memorySize;
      if (!(memory === 64 || (Number.isInteger(memory) && memory >= 128 && memory <= 3072 && memory % 128 === 0))) problems.push(`memorySize ${memory}`);
      if (entry.installDependency !== false) problems.push('installDependency must be false (bundles are self-contained)');
      const triggers = (entry['triggers'] ?? []) as Array<{ type?: string }>;
      for (const trigger of triggers) if (trigger.type !== 'timer') problems.push(`trigger type ${String(trigger.type)} (only timer)`);
      // The CLI's deployer turns the whole set into the function's variables: every value a template, no secret committed.
      for (const [name, value] of Object.entries(entry.envVariables)) {
        if (!/^\{\{env\.[A-Za-z_][A-Za-z0-9_]*\}\}$/.test(value)) problems.push(`envVariables.${name} is not a {{env.*}} template`);
      }
      for (const name of Object.keys(ENV_VARIABLES)) if (!(name in entry.envVariables)) problems.push(`envVariables.${name} missing`);
      expect({ name: entry.name, problems }).toEqual({ name: entry.name, problems: [] });
    }
  });

  it('gives the functions that move many files or wait on long jobs a longer timeout', () => {
    for (const entry of rc.functions) expect({ name: entry.name, timeout: entry.timeout }).toEqual({ name: entry.name, timeout: TIMEOUT_SECONDS[entry.name] ?? 20 });
    for (const seconds of Object.values(TIMEOUT_SECONDS)) expect(seconds >= 1 && seconds <= 900).toBe(true);
  });

  it('is what `npm run build -- --check` requires (in sync with the folders), and parses as JSON once rendered', () => {
    expect(cloudbaseRcInSync(functionNames(), rc)).toBe(true);
    // Rendering as the CLI does (mustache, no escaping) with plain values still gives JSON.
    const rendered = text.replace(/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_all, name: string) => `value-of-${name}`);
    expect(() => JSON.parse(rendered)).not.toThrow();
  });

  it('sync adds a new folder with defaults, drops a removed one, and applies TIMEOUT_SECONDS', () => {
    const synced = syncCloudbaseRc(['brandNewFunction', 'uploadStaticFile'], { ...rc, functions: [{ ...rc.functions[0]!, name: 'uploadStaticFile', timeout: 20 }] });
    expect(synced.functions.map((entry) => [entry.name, entry.timeout])).toEqual([
      ['brandNewFunction', 20],
      ['uploadStaticFile', 60],
    ]);
    expect(cloudbaseRcInSync(['brandNewFunction'], rc)).toBe(false);
  });
});
