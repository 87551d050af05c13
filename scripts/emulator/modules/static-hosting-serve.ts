import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CloudEnv } from '../cloud-envs';
import { cloudOf } from '../cloud-envs';
import { sendObject } from '../cos-reply';
import type { Emulator } from '../server';
import { decodePath } from '../signed-links';
import { DEFAULT_HOSTING_PROPAGATION_MS, envByHostingDomain, hostingCustomDomainsOf, hostNameOf, isDomainName, staticSitesOf } from '../static-sites';

export const HOSTING_ROUTE = '/__hosting/';
/** The call log's path for hosting requests (and the fault path that reaches them). */
export const HOSTING_CALL = '__hosting';

/** The key a request path names: "/" and folders ("/docs/") mean their index.html. */
function keyOf(pathname: string): string | undefined {
  const decoded = decodePath(pathname.replace(/^\/+/, ''));
  if (decoded === undefined || decoded.split('/').includes('..')) return undefined;
  return decoded === '' || decoded.endsWith('/') ? `${decoded}index.html` : decoded;
}

function notFound(response: ServerResponse, request: IncomingMessage): void {
  const html = '<!doctype html><title>404 Not Found</title><h1>404 Not Found</h1>';
  response.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  response.end(request.method === 'HEAD' ? undefined : html);
}

/**
 * The static hosting stand-in: serves each environment's site over HTTP
 * - by Host header: a request whose Host is `<envId>-<tencentAppId>.tcloudbaseapp.com`
 *   (`curl -H 'Host: demo-env-1a2b3c-1300000001.tcloudbaseapp.com' http://127.0.0.1:8787/`) or a
 *   custom domain bound with /__emulator/hosting-domains, and
 * - by path prefix: `/__hosting/<envId>/<path>` (plain curl or a browser);
 * "/" and folders serve index.html, unknown files 404, other methods than GET/HEAD 405.
 * What it serves follows uploads and deletes after the setting `hostingPropagationMs` (default 0):
 * until then the previous content, or 404 for a new file (see StaticSites). Each request is in the
 * call log as `__hosting` {env, key, status, served: fresh | stale | propagating | missing}, and
 * faults on path `__hosting` reach it (drop, drop_after, delay, http_error / errcode: a 502 page).
 * It also lets qrcodejumpadd fetch verification files from the hosting domains (85069 check), and
 * that check sees what is served, propagation included.
 */
export function staticHostingServeModule(emulator: Emulator): void {
  const sites = (): ReturnType<typeof staticSitesOf> => staticSitesOf(emulator);
  emulator.settings.hostingPropagationMs ??= DEFAULT_HOSTING_PROPAGATION_MS;

  function target(request: IncomingMessage, url: URL): { env: CloudEnv | undefined; pathname: string } | undefined {
    const byHost = envByHostingDomain(emulator, request.headers.host ?? '');
    if (byHost !== undefined) return { env: byHost, pathname: url.pathname };
    if (!url.pathname.startsWith(HOSTING_ROUTE)) return undefined;
    const rest = url.pathname.slice(HOSTING_ROUTE.length);
    const slash = rest.indexOf('/');
    const envId = slash < 0 ? rest : rest.slice(0, slash);
    return { env: cloudOf(emulator).envs.get(envId), pathname: slash < 0 ? '/' : rest.slice(slash) };
  }

  emulator.raw(async (request, response, url) => {
    const where = target(request, url);
    if (where === undefined) return false;
    const key = keyOf(where.pathname);
    const record: Record<string, unknown> = { env: where.env?.envId ?? null, key: key ?? null, status: 0, served: 'missing' };
    const call = emulator.record({ method: request.method ?? 'GET', path: HOSTING_CALL, body: record });
    const fault = await emulator.takeFault(HOSTING_CALL, call, request);
    if (fault === 'dropped') return true;
    if (fault?.type === 'http_error' || fault?.type === 'errcode') {
      record['status'] = fault.status ?? 502;
      response.writeHead(fault.status ?? 502, { 'content-type': 'text/html' });
      response.end('<html><body>Bad Gateway</body></html>');
      return true;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      record['status'] = 405;
      response.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0 });
      response.end();
      return true;
    }
    const served = where.env === undefined || key === undefined ? undefined : sites().served(where.env.envId, key, emulator.now());
    record['served'] = served?.state ?? 'missing';
    if (fault?.type === 'drop_after') {
      request.socket.destroy();
      return true;
    }
    const file = served?.file;
    record['status'] = file === undefined ? 404 : 200;
    if (file === undefined) notFound(response, request);
    else sendObject(response, request.method, file.bytes, file.contentType);
    return true;
  });

  // hosting-domains {env, domain}: binds a custom domain to an environment's hosting (as the
  // console's "custom domain" does); GET (no body) lists the bindings.
  emulator.admin('hosting-domains', (body) => {
    const domains = hostingCustomDomainsOf(emulator);
    if (Object.keys(body).length > 0) {
      const envId = body['env'];
      const env = typeof envId === 'string' ? cloudOf(emulator).envs.get(envId) : undefined;
      if (env === undefined) throw new Error(`env must be one of ${[...cloudOf(emulator).envs.keys()].join(', ')}`);
      const domain = body['domain'];
      if (!isDomainName(domain)) throw new Error('domain must be a host name such as www.example.com');
      const name = hostNameOf(domain);
      const bound = domains.get(name) ?? envByHostingDomain(emulator, name)?.envId;
      if (bound !== undefined && bound !== env.envId) throw new Error(`${name} already serves env ${bound}`);
      domains.set(name, env.envId);
    }
    return { domains: [...domains].map(([domain, env]) => ({ domain, env })) };
  });

  emulator.hostedFileResolvers.push(async (url) => {
    const env = envByHostingDomain(emulator, url.hostname);
    if (env === undefined) return undefined;
    const key = keyOf(url.pathname);
    // What WeChat's fetch would get: the served content, propagation included.
    return key === undefined ? null : sites().served(env.envId, key, emulator.now()).file?.bytes ?? null;
  });
}
