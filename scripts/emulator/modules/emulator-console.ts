/**
 * The emulator console, a page for people: GET /__console shows what the emulator holds (accounts,
 * platforms and merchants, QR-code rules, hosting and storage files, market-code applications,
 * tokens issued and how often, the live request log without token values) and switches fault
 * injection on and off. Its data: GET /__emulator/console (console/snapshot.ts); switching a
 * fault off: POST /__emulator/faults-off {path?, type?} (every queued fault matching both; none
 * given: all of them). Switching one on is the faults endpoint of the control API.
 */
import type { FaultType } from '../faults';
import { CONSOLE_HTML } from '../console/page-html';
import { consoleSnapshot } from '../console/snapshot';
import type { Emulator } from '../server';

export const CONSOLE_PATH = '/__console';

const FAULT_TYPES: readonly FaultType[] = ['errcode', 'invalidate_token', 'delay', 'drop', 'drop_after', 'http_error'];

function optionalText(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new Error(`${name} must be a non-empty string`);
  return value;
}

export function emulatorConsoleModule(emulator: Emulator): void {
  emulator.raw(async (request, response, url) => {
    if (url.pathname !== CONSOLE_PATH && url.pathname !== `${CONSOLE_PATH}/`) return false;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET', 'content-type': 'text/plain; charset=utf-8' });
      response.end('the console is a page: GET it');
      return true;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(CONSOLE_HTML) });
    response.end(CONSOLE_HTML);
    return true;
  });

  emulator.admin('console', () => consoleSnapshot(emulator));

  emulator.admin('faults-off', (body) => {
    const path = optionalText(body, 'path')?.replace(/^\/+/, '');
    const type = optionalText(body, 'type');
    if (type !== undefined && !FAULT_TYPES.includes(type as FaultType)) throw new Error(`type must be one of ${FAULT_TYPES.join(', ')}`);
    // The queue has no removal of its own: keep the others, in order, with what they have left.
    const queued = emulator.faults.list();
    const kept = queued.filter((fault) => (path !== undefined && fault.path !== path) || (type !== undefined && fault.type !== type));
    emulator.faults.clear();
    for (const fault of kept) emulator.faults.add({ ...fault });
    return { ok: true, switched_off: queued.length - kept.length, faults: emulator.faults.list() };
  });
}
