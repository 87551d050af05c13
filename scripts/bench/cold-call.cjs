// One cold start: a fresh Node process loads a built bundle and answers one call, then ends by
// itself (nothing may keep it alive). Usage: node cold-call.cjs <bundle file> <event JSON>
// Exits 1 (with the answer on stderr) when the call did not succeed.
'use strict';
const [file, eventJson] = process.argv.slice(2);
const { main } = require(file);
main(JSON.parse(eventJson), {}).then((answer) => {
  if (answer === null || typeof answer !== 'object' || answer.errcode !== 0) {
    process.stderr.write(`${JSON.stringify(answer).slice(0, 1000)}\n`);
    process.exitCode = 1;
  }
});
