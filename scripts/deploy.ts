/**
 * npm run deploy: build, then deploy every function with the CloudBase CLI from devDependencies.
 *
 * Needs ENV_ID (the CloudBase environment; cloudbaserc.json's envId is "{{env.ENV_ID}}"),
 * TENCENTCLOUD_SECRETID and TENCENTCLOUD_SECRETKEY (Tencent Cloud CAM keys). Without them it stops
 * before any network call. The CLI 2.12.10 does not read those variables for authentication and
 * would start an interactive device login instead, so this script logs in explicitly
 * (`tcb login --apiKeyId --apiKey`), then runs `tcb fn deploy --all --force --yes -e $ENV_ID`.
 * The CLI exits 0 even when a deployment failed: its output is checked instead.
 * The secret key is never printed (every CLI line is redacted before it is shown).
 *
 * The CLI keeps its login in ~/.config/.cloudbase/. It runs here with HOME (and XDG_CONFIG_HOME)
 * pointing at a fresh temporary directory, removed when the deployment ends however it ends, so
 * the key is never stored on disk past this run. The CLI offers no other non-interactive login
 * than `--apiKey <key>` on its command line: while `tcb login` runs (about a second), the key is
 * visible in the process list to other users of the same machine. Deploy from a machine you do
 * not share (e.g. CI), with a sub-user key limited to the environment.
 *
 * npm run deploy [-- --skip-build]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { redactValues } from '../shared/redact';
import { buildFunctions } from './build';
import { CLOUDBASERC, functionNames, ROOT } from './function-catalogue';

type Env = Readonly<Record<string, string | undefined>>;

/** What must be set, and why. */
export const REQUIRED_VARIABLES: ReadonlyArray<[name: string, meaning: string]> = [
  ['ENV_ID', 'the CloudBase environment id to deploy to (cloudbaserc.json uses it as envId)'],
  ['TENCENTCLOUD_SECRETID', 'a Tencent Cloud CAM SecretId allowed to manage that environment (a sub-user key is best)'],
  ['TENCENTCLOUD_SECRETKEY', 'the SecretKey that goes with it'],
];

export interface CommandResult {
  code: number | null;
  output: string;
}

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

const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const DEPLOY_FAILED = /deployment failed|部署失败|skipped|跳过|No valid identity|无有效身份|No functions deployed|没有函数被部署/i;
const DEPLOYED = /(?:成功部署\s*(\d+)\s*个函数|Successfully deployed\s*(\d+)\s*function)/i;
const LOGIN_FAILED = /Invalid identity|无效的身份信息|失败|fail/i;
const LOGGED_IN = /login succeeded|登录成功/i;

/** Reads `tcb fn deploy` output (it exits 0 even on failure). */
export function deployOutcome(output: string, expected: number): { ok: boolean; reason: string } {
  const text = output.replace(ANSI, '');
  const failed = DEPLOY_FAILED.exec(text);
  if (failed !== null) return { ok: false, reason: `the CLI reported "${failed[0]}"` };
  const deployed = DEPLOYED.exec(text);
  if (deployed === null) return { ok: false, reason: 'the CLI did not report a successful deployment' };
  const count = Number(deployed[1] ?? deployed[2]);
  if (count !== expected) return { ok: false, reason: `the CLI deployed ${count} of ${expected} functions` };
  return { ok: true, reason: `${count} functions deployed` };
}

export function loginOutcome(result: CommandResult): { ok: boolean; reason: string } {
  const text = result.output.replace(ANSI, '');
  if (result.code !== 0) return { ok: false, reason: `tcb login exited with ${String(result.code)}` };
  if (LOGIN_FAILED.test(text) || !LOGGED_IN.test(text)) return { ok: false, reason: 'tcb login did not confirm the login' };
  return { ok: true, reason: 'logged in' };
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
  if (unset.length > 0) print(`note: ${unset.join(', ')} not set: the functions will get "" for them (the deploy replaces the whole variable set).`);

  const secretKey = value(env, 'TENCENTCLOUD_SECRETKEY') as string;
  const secretId = value(env, 'TENCENTCLOUD_SECRETID') as string;
  const envId = value(env, 'ENV_ID') as string;
  const show = (output: string): void => {
    const text = redactValues(output, [secretKey]).trimEnd();
    if (text !== '') print(text);
  };

  print('building the functions ...');
  await (options.build ?? (() => buildFunctions()))();

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
  const loggedIn = loginOutcome(login);
  if (!loggedIn.ok) {
    print(`deploy stopped: ${loggedIn.reason}. Check TENCENTCLOUD_SECRETID / TENCENTCLOUD_SECRETKEY.`);
    return 1;
  }

  const expected = functionNames().length;
  print(`deploying ${expected} functions to ${envId} (tcb fn deploy --all --force --yes -e ${envId}) ...`);
  const deployed = await run(['fn', 'deploy', '--all', '--force', '--yes', '-e', envId], env);
  show(deployed.output);
  const outcome = deployOutcome(deployed.output, expected);
  if (deployed.code !== 0 || !outcome.ok) {
    print(`deploy failed: ${deployed.code !== 0 ? `the CLI exited with ${String(deployed.code)}` : outcome.reason}`);
    return 1;
  }
  print(`deployed: ${outcome.reason}. Bind HTTP paths with: npx tcb service create -p /<function> -f <function> -e ${envId}`);
  return 0;
}

if (require.main === module) {
  const { values } = parseArgs({ options: { 'skip-build': { type: 'boolean', default: false } } });
  deploy({ env: process.env, ...(values['skip-build'] === true ? { build: async () => undefined } : {}) }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(redactValues(error instanceof Error ? error.message : String(error), [process.env['TENCENTCLOUD_SECRETKEY']]));
      process.exit(1);
    },
  );
}
