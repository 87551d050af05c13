/**
 * An emulator module that records every request the emulator serves (API calls, uploads to the
 * storage stand-in, hosting GETs, database calls): what it was (method, target, content type, body)
 * and how long the emulator took, from the moment it has the request (body read) to the moment the
 * response is finished. Installed before the other modules, so it sees everything.
 */
import type { Emulator, EmulatorModule } from '../emulator/server';

export interface ServedRequest {
  method: string;
  /** Path and query, as sent. */
  target: string;
  path: string;
  contentType?: string;
  body: string;
  ms: number;
}

export interface ServedRequests {
  module: EmulatorModule;
  /** The requests finished so far, in the order they finished. */
  readonly requests: ServedRequest[];
  clear(): void;
}

export function servedRequests(): ServedRequests {
  const requests: ServedRequest[] = [];
  const module = (emulator: Emulator): void => {
    emulator.raw(async (request, response, url, body) => {
      const started = process.hrtime.bigint();
      const contentType = request.headers['content-type'];
      response.once('finish', () =>
        requests.push({
          method: request.method ?? 'GET',
          target: request.url ?? url.pathname,
          path: url.pathname,
          ...(contentType === undefined ? {} : { contentType }),
          body: body.toString('base64'),
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        }),
      );
      return false;
    });
  };
  return { module, requests, clear: () => (requests.length = 0) };
}
