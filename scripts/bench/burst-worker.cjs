// A burst on a cold instance: a fresh process makes <calls> concurrent qrcodejumpget calls at once,
// through our bundle (ours) or through co-wechat-api pointed at the same API base (the library
// many Node projects use: it fetches cgi-bin/token whenever it holds no valid token). Prints one
// JSON line {ms, failed}. Usage: node burst-worker.cjs <ours|co-wechat-api> <calls>
'use strict';
const { join } = require('node:path');

const [kind, calls] = process.argv.slice(2);
const apiBase = process.env.WXOPEN_API_BASE;

function oursCall() {
  const { main } = require(join(__dirname, '..', '..', 'dist', 'functions', 'getJumpQRCode', 'index.js'));
  return () => main({}).then((answer) => (answer.errcode === 0 ? undefined : `${answer.errcode} ${answer.errmsg}`));
}

function theirCall() {
  const API = require('co-wechat-api');
  const api = new API(process.env.WXOPEN_APPID, process.env.WXOPEN_APPSECRET);
  api.prefix = `${apiBase}/cgi-bin/`;
  const post = { method: 'POST', data: '{}', headers: { 'Content-Type': 'application/json', Accept: 'application/json' } };
  return async () => {
    try {
      // What each of its API methods does: ensureAccessToken, then the call with ?access_token=.
      const { accessToken } = await api.ensureAccessToken();
      await api.request(`${api.prefix}wxopen/qrcodejumpget?access_token=${accessToken}`, post);
      return undefined;
    } catch (error) {
      return String(error && error.message);
    }
  };
}

const call = kind === 'ours' ? oursCall() : theirCall();
const started = process.hrtime.bigint();
Promise.all(Array.from({ length: Number(calls) }, () => call())).then((outcomes) => {
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const failed = outcomes.filter((outcome) => outcome !== undefined);
  process.stdout.write(`${JSON.stringify({ ms, failed: failed.length, firstFailure: failed[0] })}\n`);
});
