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
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { buildFunctions } from './build';
import { DEMO_ACCOUNTS, startEmulator, type Emulator } from './emulator';
import { DEFAULT_GATEWAY_PORT, portOption, startGateway, type Gateway } from './gateway';
import { qrJumpDemo, type DemoTarget } from './demo/qr-jump-demo';
import { DEMO_ENVS } from './emulator/cloud-envs';
import { hostingDomainOf } from './emulator/static-sites';
import { curlLine, runDemo } from './demo/run-demo';
import { PortInUseError } from './local-runtime/listen';

export const DEFAULT_EMULATOR_PORT = 8787;
export const DEMO_ADMIN_OPENID = 'o-demo-admin-openid';

type Env = Readonly<Record<string, string | undefined>>;

const set = (env: Env, name: string): boolean => (env[name]?.trim() ?? '') !== '';

/** Emulator unless the shell names a WeChat account or an API base of its own. */
export function startMode(env: Env): 'emulator' | 'configured' {
  if (set(env, 'WXOPEN_API_BASE')) return 'configured';
  return set(env, 'WXOPEN_APPID') && set(env, 'WXOPEN_APPSECRET') ? 'configured' : 'emulator';
}

async function emulatorOn(port: number, host: string): Promise<Emulator> {
  try {
    return await startEmulator({ port, host });
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
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    console.log(`\n${signal}: stopping the gateway${emulator === undefined ? '' : ' and the emulator'}`);
    void stop(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    if (values['skip-build'] !== true) {
      console.log('building the functions ...');
      await buildFunctions();
    }
    const httpKey = process.env['WXOPEN_HTTP_KEY']?.trim() || randomBytes(18).toString('base64url');
    let env: Record<string, string>;
    let account: (typeof DEMO_ACCOUNTS)[number] | undefined;
    let target: DemoTarget | undefined;
    if (mode === 'emulator') {
      emulator = await emulatorOn(emulatorPort, host);
      account = DEMO_ACCOUNTS.find((candidate) => candidate.type === 'miniprogram' && candidate.released);
      if (account === undefined) throw new Error('the emulator has no released Mini Program demo account');
      const cloudEnv = DEMO_ENVS.find((candidate) => candidate.appid === account?.appid);
      if (cloudEnv === undefined) throw new Error(`the emulator has no CloudBase environment for ${account.appid}`);
      target = { env: cloudEnv.envId, prefix: `https://${hostingDomainOf(cloudEnv)}/qr/` };
      // The static-hosting API takes a third-party platform's component token; the emulator issues
      // one for the demo account, valid for 30 days so that a long-running demo keeps working.
      const componentToken = emulator.tokens.issue(account.appid, 'component', 30 * 86400).value;
      env = {
        WXOPEN_API_BASE: emulator.url,
        WXOPEN_APPID: account.appid,
        WXOPEN_APPSECRET: account.secret,
        WXOPEN_COMPONENT_ACCESS_TOKEN: componentToken,
        WXOPEN_HTTP_KEY: httpKey,
        WXOPEN_ADMIN_OPENIDS: process.env['WXOPEN_ADMIN_OPENIDS']?.trim() || DEMO_ADMIN_OPENID,
        // The demo prints its own lines; the functions' info lines come back with WXOPEN_LOG_LEVEL=info.
        WXOPEN_LOG_LEVEL: process.env['WXOPEN_LOG_LEVEL']?.trim() || 'warn',
      };
      console.log(`emulator  ${emulator.url}  (demo Mini Program ${account.appid})`);
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
      onRequest: (entry) => {
        if (ready) console.log(`${entry.method} ${entry.path} -> ${entry.status} (${entry.ms} ms)`);
      },
    });
    console.log(`gateway   ${gateway.url}/<functionName>  (${gateway.functions().length} functions)`);

    console.log(mode === 'emulator' ? '\ndemo: scan a link to open the Mini Program, set up over HTTP through the gateway' : '\ndemo (read-only against a real account):');
    const outcome = await runDemo(qrJumpDemo(target), { gatewayUrl: gateway.url, httpKey, allowWrites: mode === 'emulator', print: (line) => console.log(line) });
    if (!outcome.ok) {
      if (mode === 'emulator') {
        console.error('the demo failed against the emulator: this is a bug, please report it');
        return await stop(1);
      }
      console.log('the demo stopped at an error from the account (see above); the gateway keeps serving');
    }

    ready = true;
    // One write, so that whoever waits for "ready" sees the whole block.
    const lines = ['', 'ready'];
    lines.push(`  gateway    ${gateway.url}/<functionName>   POST, JSON body, Authorization: Bearer <key>`);
    lines.push(`  functions  ${gateway.functions().join(', ')}`);
    if (emulator !== undefined) lines.push(`  emulator   ${emulator.url}   (what crossed the wire: ${emulator.url}/__emulator/calls)`);
    if (emulator !== undefined && target !== undefined) lines.push(`  hosting    ${emulator.url}/__hosting/${target.env}/   (the emulated static hosting of ${target.env})`);
    lines.push(`  demo key   ${httpKey}`);
    lines.push('try it from another shell:');
    lines.push(`  ${curlLine(gateway.url, 'getJumpQRCode', httpKey, {})}`);
    if (account !== undefined) {
      const admin = (env['WXOPEN_ADMIN_OPENIDS'] ?? DEMO_ADMIN_OPENID).split(',')[0]?.trim() ?? DEMO_ADMIN_OPENID;
      lines.push(
        `  WXOPEN_API_BASE=${env['WXOPEN_API_BASE']} WXOPEN_APPID=${account.appid} WXOPEN_APPSECRET=${account.secret} ` +
          `WXOPEN_ADMIN_OPENIDS=${env['WXOPEN_ADMIN_OPENIDS']} npm run invoke -- getJumpQRCode '{}' --as-openid ${admin}`,
      );
    }
    lines.push('Ctrl-C stops.');
    console.log(lines.join('\n'));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    await stop(1);
  }
}

if (require.main === module) void main();
