/**
 * A fixed-count HTTP load: `count` POSTs of one body over `connections` keep-alive connections
 * (node:http, one request in flight per connection), answering requests per second. Every answer
 * must be HTTP 200 with errcode 0.
 */
import { Agent, request } from 'node:http';

export interface LoadSpec {
  url: string;
  body: string;
  headers?: Record<string, string>;
  count: number;
  connections: number;
}

export interface LoadResult {
  ms: number;
  requestsPerSecond: number;
}

function post(url: string, body: string, headers: Record<string, string>, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode !== 200 || !text.includes('"errcode":0')) reject(new Error(`HTTP ${String(response.statusCode)}: ${text.slice(0, 300)}`));
        else resolve();
      });
      response.on('error', reject);
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  let left = spec.count;
  const started = process.hrtime.bigint();
  try {
    await Promise.all(
      Array.from({ length: spec.connections }, async () => {
        while (left > 0) {
          left -= 1;
          await post(spec.url, spec.body, spec.headers ?? {}, agent);
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, requestsPerSecond: (spec.count / ms) * 1000 };
}
