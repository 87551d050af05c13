/**
 * npm run emulator [-- --port 8787 --host 127.0.0.1]: the local WeChat emulator, for offline
 * development. Point the functions at it with WXOPEN_API_BASE=<the printed URL>.
 */
import { parseArgs } from 'node:util';
import { DEMO_ENVS } from './cloud-envs';
import { DEMO_ACCOUNTS, startEmulator } from './index';
import { databaseServiceUrl } from './modules/cloudbase-database';
import { DEMO_PLATFORM } from './platforms';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: process.env['PORT'] ?? '8787' }, host: { type: 'string', default: '127.0.0.1' } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number');
  const emulator = await startEmulator({ port, host: values.host });
  console.log(`WeChat emulator listening on ${emulator.url}`);
  console.log('Demo accounts (WXOPEN_APPID / WXOPEN_APPSECRET):');
  for (const account of DEMO_ACCOUNTS) {
    const env = DEMO_ENVS.find((candidate) => candidate.appid === account.appid)?.envId;
    const extras = [env === undefined ? '' : `env ${env}`, account.marketcodeKey === undefined ? '' : `WXOPEN_MARKETCODE_KEY=${account.marketcodeKey}`].filter(Boolean).join(', ');
    console.log(`  ${account.appid}  ${account.secret}  ${account.type}${account.released ? '' : ' (never released)'}${extras === '' ? '' : `  (${extras})`}`);
  }
  console.log(`Demo third-party platform: WXOPEN_COMPONENT_APPID=${DEMO_PLATFORM.componentAppId} WXOPEN_COMPONENT_APPSECRET=${DEMO_PLATFORM.secret} WXOPEN_COMPONENT_TOKEN=${DEMO_PLATFORM.token} WXOPEN_COMPONENT_AES_KEY=${DEMO_PLATFORM.aesKey}`);
  console.log(`  its pushes: POST ${emulator.url}/__emulator/platforms {"component_appid":"${DEMO_PLATFORM.componentAppId}","push_url":"<your componentEvents URL>"}; the shared token store's database: WXOPEN_TOKEN_STORE=cloudbase WXOPEN_TCB_SERVICE_URL=${databaseServiceUrl(emulator.url)}`);
  console.log(`Console: ${emulator.url}/__console (what it holds, the live request log, fault switches)`);
  console.log(`Control API: ${emulator.url}/__emulator/{${emulator.adminList().join(',')}}`);
  console.log(`Verification files: ${emulator.settings.verification} (register a host: POST /__emulator/verified-hosts {"host": "shop.example.com"}; bind a domain to hosting: POST /__emulator/hosting-domains {"env", "domain"})`);
  const stop = (): void => {
    emulator.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
