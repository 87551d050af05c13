// The floor of a cold start: a fresh Node process that makes the same requests a function made,
// one after the other, with nothing but node:http and a keep-alive agent (each answer read whole,
// JSON parsed when it is JSON). Usage: node raw-replay.cjs <base URL> <file: JSON list of
// {method, target, contentType?, body (base64)}>. Required, it exports replay(base, requests): the
// same, in the requiring process (the chains' floor, chains.ts).
'use strict';
const http = require('node:http');
const { readFileSync } = require('node:fs');

function send(base, agent, { method, target, contentType, body }) {
  const bytes = Buffer.from(body, 'base64');
  const headers = { 'content-length': String(bytes.length), ...(contentType === undefined ? {} : { 'content-type': contentType }) };
  return new Promise((resolve, reject) => {
    const request = http.request(`${base}${target}`, { method, agent, headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (String(response.headers['content-type']).includes('json')) JSON.parse(text);
        resolve();
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(bytes);
  });
}

async function replay(base, requests) {
  const agent = new http.Agent({ keepAlive: true });
  try {
    for (const request of requests) await send(base, agent, request);
  } finally {
    agent.destroy();
  }
}

if (require.main === module) {
  const [base, file] = process.argv.slice(2);
  replay(base, JSON.parse(readFileSync(file, 'utf8')));
}

module.exports = { replay };
