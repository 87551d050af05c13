/**
 * 6. Gateway throughput: requests per second of getJumpQRCode through the local gateway (HTTP
 * access event, bearer key, the function's own call to the emulator, the reply mapped back) against
 * the emulator answering the same qrcodejumpget directly, keep-alive, a fixed count over 10
 * connections; and a bare node:http proxy in front of that call (server-child.ts): what any gateway
 * in its own process costs, two more HTTP hops, before it does anything. The emulator and the gateway run in processes of their own; the load comes from this
 * one. Best of a few alternating rounds for each, after a warm-up.
 */
import type { Row } from './report';
import { runLoad } from './http-load';
import { startServerProcess } from './server-processes';
import { MINI_PROGRAM } from './scenarios';

const SECTION = '6 gateway (keep-alive, 10 connections)';
const COUNT = 3000;
const WARM_UP = 300;
const CONNECTIONS = 10;
const ROUNDS = 3;
const HTTP_KEY = 'bench-http-key-0123456789abcdef';

export async function gatewayRows(): Promise<Row[]> {
  const emulator = await startServerProcess('emulator', { settings: { qrcodeJumpRatePerSecond: 0 } });
  try {
    const gateway = await startServerProcess('gateway', {
      env: { WXOPEN_API_BASE: emulator.url, WXOPEN_APPID: MINI_PROGRAM.appid, WXOPEN_APPSECRET: MINI_PROGRAM.secret, WXOPEN_HTTP_KEY: HTTP_KEY, WXOPEN_LOG_LEVEL: 'silent', WXOPEN_CLOUDBASE_TOKEN_FILE: '/nonexistent/cloudbase_access_token' },
    });
    try {
      const tokenAnswer = await fetch(`${emulator.url}/cgi-bin/stable_token`, { method: 'POST', body: JSON.stringify({ grant_type: 'client_credential', appid: MINI_PROGRAM.appid, secret: MINI_PROGRAM.secret }) });
      const token = String(((await tokenAnswer.json()) as { access_token?: unknown }).access_token);
      const direct = { url: `${emulator.url}/cgi-bin/wxopen/qrcodejumpget?access_token=${encodeURIComponent(token)}`, body: '{}', connections: CONNECTIONS };
      const through = { url: `${gateway.url}/getJumpQRCode`, body: '{}', headers: { authorization: `Bearer ${HTTP_KEY}` }, connections: CONNECTIONS };
      const proxy = await startServerProcess('proxy', { upstream: direct.url });
      const proxied = { url: proxy.url, body: '{}', connections: CONNECTIONS };
      const rps: Record<'direct' | 'gateway' | 'proxy', number[]> = { direct: [], gateway: [], proxy: [] };
      try {
        await runLoad({ ...direct, count: WARM_UP });
        await runLoad({ ...through, count: WARM_UP });
        await runLoad({ ...proxied, count: WARM_UP });
        for (let round = 0; round < ROUNDS; round++) {
          rps.direct.push((await runLoad({ ...direct, count: COUNT })).requestsPerSecond);
          rps.gateway.push((await runLoad({ ...through, count: COUNT })).requestsPerSecond);
          rps.proxy.push((await runLoad({ ...proxied, count: COUNT })).requestsPerSecond);
        }
      } finally {
        await proxy.close();
      }
      const best = (list: number[]): number => Math.max(...list);
      const details = { gatewayRps: rps.gateway.map(Math.round), directRps: rps.direct.map(Math.round), proxyRps: rps.proxy.map(Math.round) };
      return [
        {
          id: 'gateway.rps',
          section: SECTION,
          label: `getJumpQRCode through the gateway, ${COUNT} requests`,
          ours: { value: best(rps.gateway), unit: 'req/s' },
          peer: { name: 'the emulator directly', value: best(rps.direct), unit: 'req/s' },
          target: { of: 'ratio', op: '>=', value: 0.5 },
          // Any gateway in a process of its own adds two HTTP hops: a bare proxy is the most it can do.
          floor: { name: 'a bare node:http proxy', value: best(rps.proxy), unit: 'req/s' },
          details,
        },
        {
          id: 'gateway.proxy.rps',
          section: SECTION,
          label: `a bare node:http proxy to the same call (any gateway's floor), ${COUNT} requests`,
          ours: { value: best(rps.proxy), unit: 'req/s' },
          peer: { name: 'the emulator directly', value: best(rps.direct), unit: 'req/s' },
        },
        {
          id: 'gateway.vs.proxy',
          section: SECTION,
          label: `getJumpQRCode through the gateway, ${COUNT} requests`,
          ours: { value: best(rps.gateway), unit: 'req/s' },
          peer: { name: 'the bare node:http proxy', value: best(rps.proxy), unit: 'req/s' },
        },
      ];
    } finally {
      await gateway.close();
    }
  } finally {
    await emulator.close();
  }
}
