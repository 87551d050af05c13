// Calls one built bundle once in a process of its own and prints the answer with the moment it
// came. Nothing else keeps the process alive: if it does not exit right after, the function left
// something open (a socket, a timer, a request). Usage: node call-and-exit.cjs <function> <event JSON> <time limit ms>
'use strict';
const { join } = require('node:path');

const [name, eventJson, limit] = process.argv.slice(2);
const { main } = require(join(__dirname, '..', '..', 'dist', 'functions', name, 'index.js'));
const calledAt = Date.now();
main(JSON.parse(eventJson), { time_limit_in_ms: Number(limit) }).then((answer) => {
  process.stdout.write(JSON.stringify({ answer, calledAt, answeredAt: Date.now() }));
});
