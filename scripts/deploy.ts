/**
 * npm run deploy: build, then deploy every function with the CloudBase CLI from devDependencies.
 *
 * Needs ENV_ID (the CloudBase environment; cloudbaserc.json's envId is "{{env.ENV_ID}}"),
 * TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (Tencent Cloud CAM keys). Without them it stops
 * before any network call. The CLI 2.12.10 does not read those variables for authentication and
 * would start an interactive device login instead, so this script logs in explicitly
 * (`tcb login --apiKeyId --apiKey`), then runs `tcb fn deploy --all --force --yes -e $ENV_ID`.
 * The CLI exits 0 even when a deployment failed: its output is checked instead.
 * The secret key is never printed (every CLI line is redacted before it is shown), nor are the CLI's
 * stack traces; a failure is reported with the cause the CLI's output names (tcb-cli-output.ts): the
 * network, the keys, their permissions or the environment id.
 *
 * Before anything is built or sent it also refuses a configuration every call would refuse (what
 * shared/config.ts rejects), and one with neither WXOPEN_HTTP_KEY nor WXOPEN_ADMIN_OPENIDS (every
 * function but componentEvents would then refuse every caller but direct invocations) unless
 * --allow-no-callers says that is meant (deploy-callers.ts).
 *
 * The CLI keeps its login in ~/.config/.cloudbase/. It runs here with HOME (and XDG_CONFIG_HOME)
 * pointing at a fresh temporary directory, removed when the deployment ends however it ends, so
 * the key is never stored on disk past this run. The CLI offers no other non-interactive login
 * than `--apiKey <key>` on its command line: while `tcb login` runs (about a second), the key is
 * visible in the process list to other users of the same machine. Deploy from a machine you do
 * not share (e.g. CI), with a sub-user key limited to the environment.
 *
 * npm run deploy [-- --skip-build] [-- --allow-no-callers]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../shared/config';
import { WxOpenError } from '../shared/errors';
import { redactValues } from '../shared/redact';
import { buildFunctions } from './build';
import { CALLER_VARIABLES, checkCallers } from './deploy-callers';
import { CLOUDBASERC, functionNames, ROOT } from './function-catalogue';
import { cleanCliOutput, deployOutcome, loginOutcome, type CommandResult } from './tcb-cli-output';

export { deployOutcome, loginOutcome, type CommandResult } from './tcb-cli-output';

type Env = Readonly<Record<string, string | undefined>>;

/** What must be set, and why. */
export const REQUIRED_VARIABLES: ReadonlyArray<[name: string, meaning: string]> = [
  ['ENV_ID', 'the CloudBase environment id to deploy to (cloudbaserc.json uses it as envId)'],
  ['TENCENTCLOUD_SECRETID', 'a Tencent Cloud CAM SecretId allowed to manage that environment (a sub-user key is best)'],
  ['TENCENTCLOUD_SECRETKEY', 'the SecretKey that goes with it'],
];

/** Runs the CLI with stdin closed; resolves with its exit code and everything it wrote. */
export type RunCli = (args: readonly string[], env: Env) => Promise<CommandResult>;

const value = (env: Env, name: string): string | undefined => {
  const text = env[name]?.trim();
  return text === undefined || text === '' ? undefined : text;
};

export function missingVariables(env: Env): string[] {
  return REQUIRED_VARIABLES.filter(([name]) => value(env, name) === undefined).map(([name]) => name);
}

/** The `{{env.X}}` names cloudbaserc.json renders. */
export function templatedVariables(text: string = readFileSync(CLOUDBASERC, 'utf8')): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((match) => match[1] as string))].sort();
}

/**
 * The CLI renders {{env.X}} into the JSON text without escaping: a value holding `"`, `\` or a
 * line break would break the file (or inject fields). Those are refused; unset ones are reported
 * (they render as "", which the functions read as "not set").
 */
export function templateProblems(env: Env, names: readonly string[] = templatedVariables()): { broken: string[]; unset: string[] } {
  const broken = names.filter((name) => /["\\\n\r]/.test(env[name] ?? ''));
  const unset = names.filter((name) => name !== 'ENV_ID' && value(env, name) === undefined);
  return { broken, unset };
}

/** WXOPEN_API_BASE left pointing at this machine (the emulator of a local run): unreachable from the cloud. */
function localApiBase(env: Env): string | undefined {
  const base = value(env, 'WXOPEN_API_BASE');
  if (base === undefined) return undefined;
  const host = /^https?:\/\/(\[[^\]]*\]|[^/:\s]+)/i.exec(base)?.[1]?.toLowerCase();
  return host === 'localhost' || host === '[::1]' || host?.startsWith('127.') === true ? `WXOPEN_API_BASE: ${base} is this machine (an emulator?), which a deployed function cannot reach (every call would fail with 990008); unset it to use WeChat` : undefined;
}

/**
 * What the functions would make of the variables they are deployed with: the first problem that
 * would make every call fail (the message shared/config.ts gives), or undefined.
 */
export function configurationProblem(env: Env, names: readonly string[] = templatedVariables()): string | undefined {
  const functionEnv = Object.fromEntries(names.map((name) => [name, env[name] ?? '']));
  try {
    loadConfig(functionEnv);
    return undefined;
  } catch (error) {
    if (error instanceof WxOpenError) return `${error.message} (every call would be refused with ${error.errcode})`;
    throw error;
  }
}

/** The CLI shipped in devDependencies, run with this Node; stdin closed so it can never prompt. */
export const runCli: RunCli = (args, env) =>
  new Promise((resolve, reject) => {
    const tcb = require.resolve('@cloudbase/cli/bin/tcb');
    const child = spawn(process.execPath, [tcb, ...args], { cwd: ROOT, env: { ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });

export interface DeployOptions {
  env: Env;
  run?: RunCli;
  build?: () => Promise<void>;
  /** Deploy the bundles already in dist/ (--skip-build). */
  skipBuild?: boolean;
  /** Go on although no HTTP caller or Mini Program user could call the functions (--allow-no-callers). */
  allowNoCallers?: boolean;
  print?: (line: string) => void;
}

/** The whole deployment; resolves with the exit status. Nothing touches the network before the checks pass. */
export async function deploy(options: DeployOptions): Promise<number> {
  const { env } = options;
  const run = options.run ?? runCli;
  const print = options.print ?? ((line: string) => console.log(line));
  const missing = missingVariables(env);
  if (missing.length > 0) {
    print(`npm run deploy needs ${missing.join(', ')}; nothing was built or sent. Set:`);
    for (const [name, meaning] of REQUIRED_VARIABLES) if (missing.includes(name)) print(`  ${name}: ${meaning}`);
    print('e.g. ENV_ID=my-env-1a2b3c TENCENTCLOUD_SECRETID=AKID... TENCENTCLOUD_SECRETKEY=... npm run deploy');
    return 2;
  }
  const { broken, unset } = templateProblems(env);
  if (broken.length > 0) {
    print(`${broken.join(', ')}: the value holds a " or \\ or a line break, which the CLI's templating would write into cloudbaserc.json unescaped. Change the value.`);
    return 2;
  }
  const problem = configurationProblem(env) ?? localApiBase(env);
  if (problem !== undefined) {
    print(`${problem}. Nothing was built or sent.`);
    return 2;
  }
  const callers = checkCallers(env, options.allowNoCallers === true);
  for (const line of callers.lines) print(line);
  if (!callers.ok) return 2;
  const optional = unset.filter((name) => !CALLER_VARIABLES.has(name));
  if (optional.length > 0) print(`optional, not set (the functions see them as unset; the deploy replaces the whole variable set): ${optional.join(', ')}`);

  const secretKey = value(env, 'TENCENTCLOUD_SECRETKEY') as string;
  const secretId = value(env, 'TENCENTCLOUD_SECRETID') as string;
  const envId = value(env, 'ENV_ID') as string;
  const show = (output: string): void => {
    const text = redactValues(cleanCliOutput(output), [secretKey]);
    if (text !== '') print(text);
  };

  if (options.skipBuild !== true) {
    print('building the functions ...');
    await (options.build ?? (() => buildFunctions()))();
  }

  // The CLI writes its login under HOME: a throwaway one, removed whatever happens.
  const home = mkdtempSync(join(tmpdir(), 'wxopen-deploy-home-'));
  try {
    return await loginAndDeploy({ ...env, HOME: home, XDG_CONFIG_HOME: join(home, '.config') }, { run, print, show, secretId, secretKey, envId });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

interface CliSession {
  run: RunCli;
  print: (line: string) => void;
  show: (output: string) => void;
  secretId: string;
  secretKey: string;
  envId: string;
}

async function loginAndDeploy(env: Env, { run, print, show, secretId, secretKey, envId }: CliSession): Promise<number> {
  print(`logging in to Tencent Cloud with SecretId ${secretId.slice(0, 6)}... (tcb login --apiKeyId --apiKey)`);
  const login = await run(['login', '--apiKeyId', secretId, '--apiKey', secretKey], env);
  show(login.output);
  const loggedIn = loginOutcome(login, envId);
  if (!loggedIn.ok) {
    print(`deploy stopped at tcb login: ${redactValues(loggedIn.reason, [secretKey])}.`);
    return 1;
  }

  const expected = functionNames().length;
  print(`deploying ${expected} functions to ${envId} (tcb fn deploy --all --force --yes -e ${envId}) ...`);
  const deployed = await run(['fn', 'deploy', '--all', '--force', '--yes', '-e', envId], env);
  show(deployed.output);
  const outcome = deployOutcome(deployed.output, expected, envId);
  if (deployed.code !== 0 || !outcome.ok) {
    const reason = outcome.ok ? `the CLI exited with ${String(deployed.code)}` : outcome.reason;
    print(`deploy failed: ${redactValues(reason, [secretKey])}.`);
    return 1;
  }
  print(`deployed: ${outcome.reason}. Bind HTTP paths with: npx tcb service create -p /<function> -f <function> -e ${envId}`);
  return 0;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { 'skip-build': { type: 'boolean', default: false }, 'allow-no-callers': { type: 'boolean', default: false } } });
  deploy({ env: process.env, skipBuild: values['skip-build'], allowNoCallers: values['allow-no-callers'] }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(redactValues(error instanceof Error ? error.message : String(error), [process.env['TENCENTCLOUD_SECRETKEY']]));
      process.exit(1);
    },
  );
}
