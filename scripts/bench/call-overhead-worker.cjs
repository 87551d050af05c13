// Per-call overhead, in a process of its own: one qrcodejumpget through the getJumpQRCode bundle's
// main() (token already cached) against the same request made raw with the same token: global
// fetch, and node:http with a keep-alive agent. Interleaved (the order rotates each round), one call
// in flight at a time. Prints JSON {ours, fetch, http}: each call's time in µs.
// Usage: node call-overhead-worker.cjs <calls> <warm-up calls>
'use strict';
const http = require('node:http');
const { join } = require('node:path');

const [calls, warmUp] = process.argv.slice(2).map(Number);
const base = process.env.WXOPEN_API_BASE;
const { main } = require(join(__dirname, '..', '..', 'dist', 'functions', 'getJumpQRCode', 'index.js'));
const agent = new http.Agent({ keepAlive: true });
const headers = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json' };

async function token() {
  const body = JSON.stringify({ grant_type: 'client_credential', appid: process.env.WXOPEN_APPID, secret: process.env.WXOPEN_APPSECRET });
  const answer = await (await fetch(`${base}/cgi-bin/stable_token`, { method: 'POST', headers, body })).json();
  return answer.access_token;
}

function viaHttp(url) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': 2 } }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end('{}');
  });
}

async function run() {
  const first = await main({});
  if (first.errcode !== 0) throw new Error(`getJumpQRCode: ${JSON.stringify(first)}`);
  const url = `${base}/cgi-bin/wxopen/qrcodejumpget?access_token=${encodeURIComponent(await token())}`;
  const variants = {
    ours: async () => {
      const answer = await main({});
      if (answer.errcode !== 0) throw new Error(JSON.stringify(answer));
    },
    fetch: async () => {
      const answer = JSON.parse(await (await fetch(url, { method: 'POST', headers, body: '{}' })).text());
      if (answer.errcode !== 0) throw new Error(JSON.stringify(answer));
    },
    http: async () => {
      const answer = await viaHttp(url);
      if (answer.errcode !== 0) throw new Error(JSON.stringify(answer));
    },
  };
  const names = Object.keys(variants);
  const times = { ours: [], fetch: [], http: [] };
  for (let round = 0; round < warmUp + calls; round++) {
    for (let turn = 0; turn < names.length; turn++) {
      const name = names[(round + turn) % names.length];
      const started = process.hrtime.bigint();
      await variants[name]();
      if (round >= warmUp) times[name].push(Number(process.hrtime.bigint() - started) / 1000);
    }
  }
  process.stdout.write(`${JSON.stringify(times)}\n`);
}

run().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(1);
});
