/**
 * npm start [-- --port 8788 --emulator-port 8787 --host 127.0.0.1 --skip-build]
 *
 * Builds, starts the WeChat emulator and the local gateway, points the functions at the emulator
 * with a demo account, runs the demo once through the gateway over real HTTP (printing each step),
 * then prints "ready", the URLs, the demo key and a curl line, and keeps serving until Ctrl-C.
 *
 * With a WeChat account in the environment (WXOPEN_APPID + WXOPEN_APPSECRET) and WXOPEN_API_BASE
 * unset, no emulator starts: the gateway serves the functions against WeChat itself, and the demo
 * runs only its read-only steps (the writing ones are printed, never sent to a real account).
 * Likewise when WXOPEN_API_BASE is set: the functions talk to that server.
 *
 * Stopping: SIGINT or SIGTERM close both servers and exit 0; so does the launcher going away
 * without passing the signal on (npm forwards SIGTERM to the shell that runs this script, and the
 * shell dies without forwarding it), seen as this process's parent changing.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { buildFunctions } from './build';
import { startEmulator, type Emulator } from './emulator';
import { actingGroups, groupOf, type ActingGroup } from './demo/acting-accounts';
import { functionNames } from './function-catalogue';
import { DEFAULT_GATEWAY_PORT, logRequest, portOption, startGateway, type Gateway } from './gateway';
import { qrJumpDemo, type DemoTarget } from './demo/qr-jump-demo';
import { hostingDomainOf } from './emulator/static-sites';
import { curlLine, invokeLine, runDemo, STEP_PAUSE_MS } from './demo/run-demo';
import { DEMO_MERCHANTS, platformVariables, preparePlatformDemo, tokenSummary } from './demo/platform-demo';
import { DEMO_PLATFORM } from './emulator/platforms';
import { PortInUseError } from './local-runtime/listen';
import type { LogLevel } from '../shared/log';

export const DEFAULT_EMULATOR_PORT = 8787;
export const DEMO_ADMIN_OPENID = 'o-demo-admin-openid';
/** The emulated hosting serves an upload this long after it (as a CDN does), so the chains' waits show. */
const DEMO_PROPAGATION_MS = 300;

type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, name: string): boolean => (env[name]?.trim() ?? '') !== '';

/** How often to look whether the launcher is still there. */
const LAUNCHER_POLL_MS = 500;

/**
 * Calls `gone` once the process that started this one exits (this process is then adopted by
 * another: its parent id changes). Catches every launcher that dies without passing its signal on.
 */
export function watchLauncher(gone: () => void, pollMs = LAUNCHER_POLL_MS): () => void {
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    gone();
  }, pollMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Emulator unless the shell names a WeChat account or an API base of its own. */
export function startMode(env: Env): 'emulator' | 'configured' {
  if (set(env, 'WXOPEN_API_BASE')) return 'configured';
  return set(env, 'WXOPEN_APPID') && set(env, 'WXOPEN_APPSECRET') ? 'configured' : 'emulator';
}

async function emulatorOn(port: number, host: string): Promise<Emulator> {
  try {
    return await startEmulator({ port, host, settings: { hostingPropagationMs: DEMO_PROPAGATION_MS } });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError('emulator', host, port, '--emulator-port <n> (or EMULATOR_PORT=<n>)');
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'emulator-port': { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'skip-build': { type: 'boolean', default: false },
    },
  });
  const host = values.host;
  const gatewayPort = portOption(values.port, 'GATEWAY_PORT', DEFAULT_GATEWAY_PORT);
  const emulatorPort = portOption(values['emulator-port'], 'EMULATOR_PORT', DEFAULT_EMULATOR_PORT);
  const mode = startMode(process.env);

  let emulator: Emulator | undefined;
  let gateway: Gateway | undefined;
  let stopping = false;
  const stop = async (code: number): Promise<never> => {
    stopping = true;
    await gateway?.close();
    await emulator?.close();
    process.exit(code);
  };
  const onSignal = (signal: string): void => {
    if (stopping) return;
    console.log(`\n${signal}: stopping the gateway${emulator === undefined ? '' : ' and the emulator'}`);
    void stop(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  watchLauncher(() => onSignal('launcher exited'));
  // The request lines follow the shell's WXOPEN_LOG_LEVEL, not the quieter one the functions get below.
  const requestLogLevel = (process.env['WXOPEN_LOG_LEVEL']?.trim() || 'info') as LogLevel | 'silent';

  try {
    if (values['skip-build'] !== true) {
      console.log('building the functions ...');
      await buildFunctions();
    }
    // A key of the user's own (from the environment) is never printed; one made up here is.
    const ownKey = process.env['WXOPEN_HTTP_KEY']?.trim() || undefined;
    const httpKey = ownKey ?? randomBytes(18).toString('base64url');
    let env: Record<string, string>;
    let groups: ActingGroup[] = [];
    let target: DemoTarget | undefined;
    if (mode === 'emulator') {
      emulator = await emulatorOn(emulatorPort, host);
      groups = actingGroups(emulator, functionNames());
      const [miniProgram] = groups as [ActingGroup];
      target = { env: miniProgram.cloudEnv.envId, prefix: `https://${hostingDomainOf(miniProgram.cloudEnv)}/qr/` };
      env = {
        WXOPEN_API_BASE: emulator.url,
        WXOPEN_HTTP_KEY: httpKey,
        WXOPEN_ADMIN_OPENIDS: process.env['WXOPEN_ADMIN_OPENIDS']?.trim() || DEMO_ADMIN_OPENID,
        // The demo prints its own lines; the functions' info lines come back with WXOPEN_LOG_LEVEL=info.
        WXOPEN_LOG_LEVEL: process.env['WXOPEN_LOG_LEVEL']?.trim() || 'warn',
        // Every function also belongs to the demo service provider's deployment (third-party mode).
        ...platformVariables(emulator),
      };
      console.log(`emulator  ${emulator.url}  (demo accounts: ${groups.map((group) => `${group.account.appid} for ${group.title}`).join('; ')})`);
    } else {
      env = { WXOPEN_HTTP_KEY: httpKey };
      const base = process.env['WXOPEN_API_BASE']?.trim() || 'https://api.weixin.qq.com';
      console.log(`no emulator: the functions talk to ${base} as ${process.env['WXOPEN_APPID'] ?? '(no WXOPEN_APPID)'}`);
    }
    let ready = false;
    gateway = await startGateway({
      port: gatewayPort,
      host,
      env,
      // Each function acts as its group's account, as if each had its own envVariables.
      ...(groups.length > 0 ? { functionEnv: (name: string) => groupOf(groups, name)?.env } : {}),
      onRequest: (entry) => {
        if (ready) logRequest(entry, requestLogLevel);
      },
    });
    console.log(`gateway   ${gateway.url}/<functionName>  (${gateway.functions().length} functions)`);

    console.log(mode === 'emulator' ? '\ndemo: scan a link to open the Mini Program, set up over HTTP through the gateway' : '\ndemo (read-only against a real account):');
    const outcome = await runDemo(qrJumpDemo(target), { gatewayUrl: gateway.url, httpKey, allowWrites: mode === 'emulator', liveProgress: true, print: (line) => console.log(line) });
    if (!outcome.ok) {
      if (mode === 'emulator') {
        console.error('the demo failed against the emulator: this is a bug, please report it');
        return await stop(1);
      }
      console.log('the demo stopped at an error from the account (see above); the gateway keeps serving');
    }

    if (mode === 'emulator' && emulator !== undefined) {
      console.log(`\ndemo: a service provider (third-party platform ${DEMO_PLATFORM.componentAppId}) acting for two merchants`);
      try {
        const steps = await preparePlatformDemo({ emulator, gatewayUrl: gateway.url, httpKey, print: (line) => console.log(line) });
        // The merchants' rules go through the same qrcodejump rate limit as the first demo's.
        await new Promise((resolve) => setTimeout(resolve, STEP_PAUSE_MS));
        const merchants = await runDemo(steps, { gatewayUrl: gateway.url, httpKey, allowWrites: true, liveProgress: true, print: (line) => console.log(line) });
        if (!merchants.ok) throw new Error('a merchant step failed (see above)');
        console.log(tokenSummary(emulator));
      } catch (error) {
        console.error(`the third-party demo failed against the emulator: this is a bug, please report it (${error instanceof Error ? error.message : String(error)})`);
        return await stop(1);
      }
    }

    ready = true;
    // One write, so that whoever waits for "ready" sees the whole block.
    const lines = ['', 'ready'];
    lines.push(`  gateway    ${gateway.url}/<functionName>   POST, JSON body, Authorization: Bearer <key>`);
    lines.push(`  functions  ${gateway.functions().join(', ')}`);
    if (emulator !== undefined) lines.push(`  emulator   ${emulator.url}   (what crossed the wire: ${emulator.url}/__emulator/calls)`);
    lines.push(`  api docs   ${gateway.url}/docs   (OpenAPI 3.1: ${gateway.url}/openapi.json, import it into Postman or Apifox)`);
    if (emulator !== undefined) lines.push(`  console    ${emulator.url}/__console   (what the emulator holds, the live request log, fault switches)`);
    if (emulator !== undefined && target !== undefined) lines.push(`  hosting    ${emulator.url}/__hosting/${target.env}/   (the emulated static hosting of ${target.env})`);
    lines.push(ownKey === undefined ? `  demo key   ${httpKey}` : '  key        the one in WXOPEN_HTTP_KEY (from your environment; not printed)');
    if (groups.length > 0) {
      lines.push('  accounts   (emulator demo accounts; each function acts as one)');
      for (const group of groups) lines.push(`    ${group.account.appid} ${group.account.type}, env ${group.cloudEnv.envId}: ${group.functions.join(', ')}`);
      lines.push(`  platform   ${DEMO_PLATFORM.componentAppId} (third-party): add "authorizer_appid" to act for a merchant (${DEMO_MERCHANTS.join(', ')}); WeChat's pushes go to /componentEvents`);
    }
    lines.push('try it from another shell:');
    lines.push(`  ${curlLine(gateway.url, 'getJumpQRCode', ownKey === undefined ? httpKey : { variable: 'WXOPEN_HTTP_KEY' }, {})}`);
    if (groups.length > 0) lines.push(`  ${curlLine(gateway.url, 'getJumpQRCode', ownKey === undefined ? httpKey : { variable: 'WXOPEN_HTTP_KEY' }, { authorizer_appid: DEMO_MERCHANTS[1] })}`);
    if (groups.length > 0) {
      lines.push('or call a bundle directly (npm run invoke reads its variables from the shell: these lines set them):');
      const admin = (env['WXOPEN_ADMIN_OPENIDS'] ?? DEMO_ADMIN_OPENID).split(',')[0]?.trim() || DEMO_ADMIN_OPENID;
      const common = { WXOPEN_API_BASE: env['WXOPEN_API_BASE'] as string, WXOPEN_ADMIN_OPENIDS: env['WXOPEN_ADMIN_OPENIDS'] as string };
      const [miniProgram, marketCodes] = groups as [ActingGroup, ActingGroup];
      lines.push(`  ${invokeLine({ ...common, ...miniProgram.env }, 'getStaticHostingDomain', { env: miniProgram.cloudEnv.envId }, admin)}`);
      lines.push(`  ${invokeLine({ ...common, ...marketCodes.env }, 'applyCode', { code_count: 10000, isv_application_id: 'try-1' }, admin)}`);
    }
    lines.push('Ctrl-C stops.');
    console.log(lines.join('\n'));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await stop(1);
  }
}

if (require.main === module) void main();
