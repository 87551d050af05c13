// One "function instance" for the shared-store tests and the bench: a fresh Node process that loads two built
// bundles cold and makes concurrent calls for one merchant, in two phases separated by a signal
// file, printing one JSON line per phase. Usage: node token-burst-worker.cjs <calls> <goFile> <merchant> <env>
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const [calls, goFile, merchant, envId] = process.argv.slice(2);
const dist = join(__dirname, '..', '..', 'dist', 'functions');
const rules = require(join(dist, 'getJumpQRCode', 'index.js')).main;
const hosting = require(join(dist, 'getStaticHostingDomain', 'index.js')).main;

async function phase(name) {
  const started = Date.now();
  const answers = await Promise.all(
    Array.from({ length: Number(calls) }, (_, i) => (i % 2 === 0 ? rules({ authorizer_appid: merchant }) : hosting({ authorizer_appid: merchant, env: envId }))),
  );
  const failed = answers.filter((answer) => answer.errcode !== 0).map((answer) => `${answer.errcode} ${answer.errmsg}`);
  process.stdout.write(`${JSON.stringify({ phase: name, ok: answers.length - failed.length, failed: failed.slice(0, 3), ms: Date.now() - started })}\n`);
}

async function main() {
  // Loaded and about to call: the moment this instance starts competing for tokens.
  process.stdout.write(`${JSON.stringify({ loaded: Date.now() })}\n`);
  await phase(1);
  const until = Date.now() + 30000;
  while (!existsSync(goFile)) {
    if (Date.now() > until) throw new Error('no go signal within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await phase(2);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
