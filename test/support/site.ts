import type { Emulator } from '../../scripts/emulator';
import { DEMO_ENVS } from '../../scripts/emulator/cloud-envs';
import { hostingDomainOf, staticSitesOf } from '../../scripts/emulator/static-sites';
import { MINI_PROGRAM } from './emulator';
import { setEnv } from './env';

export const SITE_ENV = DEMO_ENVS[0]!;
export const SITE_DOMAIN = hostingDomainOf(SITE_ENV);

/** A rule as deployStaticSite's qrcode_rule takes it. */
export function ruleAt(prefix: string, publish = true): Record<string, unknown> {
  return { prefix, permit_sub_rule: 1, path: 'pages/index/index', open_version: 3, publish };
}

/** An SCF context with a time limit (ms): how tests give a chain a short budget. */
export function withTimeLimit(ms: number): Record<string, unknown> {
  return { time_limit_in_ms: ms, request_id: 'test', function_name: 'test' };
}

/** A site of `count` files: pages, styles, scripts and a few binary images, in nested folders. */
export function siteFiles(count: number, version = 1): Array<Record<string, string>> {
  return Array.from({ length: count }, (_, index): Record<string, string> => {
    if (index === 0) return { filename: 'index.html', content: `<!doctype html><title>v${version}</title><script src="assets/app.js"></script>` };
    if (index % 7 === 3) return { filename: `img/${index}.png`, content_base64: Buffer.from([0x89, 0x50, 0x4e, 0x47, index, version]).toString('base64') };
    const folder = ['assets', 'assets/css', 'pages/a', 'pages/a/b'][index % 4] as string;
    const extension = index % 2 === 0 ? 'js' : 'css';
    return { filename: `${folder}/f${index}.${extension}`, content: `/* file ${index} v${version} */\n` };
  });
}

/** The PUTs the emulator's COS stand-in stored, counted per key. */
export function storedPuts(emulator: Emulator): Map<string, number> {
  const counts = new Map<string, number>();
  for (const call of emulator.callsTo('__cos-static')) {
    const body = call.body as { key: string | null; outcome: string };
    if (body.outcome === 'stored' && body.key !== null) counts.set(body.key, (counts.get(body.key) ?? 0) + 1);
  }
  return counts;
}

/** What the hosting holds (the origin, as staticfilelist lists it): key → content as text. */
export function hostedSite(emulator: Emulator): Map<string, string> {
  const sites = staticSitesOf(emulator);
  return new Map(sites.keys(SITE_ENV.envId).map((key) => [key, sites.get(SITE_ENV.envId, key)?.bytes.toString('latin1') ?? '']));
}

/** POST to an admin endpoint of the emulator; throws its reason on 400. */
export async function admin(emulator: Emulator, name: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulator.url}/__emulator/${name}`, { method: 'POST', body: JSON.stringify(body) });
  const answer = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(String(answer['error']));
  return answer;
}

/** A fresh emulator state with the demo Mini Program's component token for the hosting calls. */
export function freshSiteState(emulator: Emulator): void {
  emulator.reset();
  emulator.settings.hostingPropagationMs = 0;
  setEnv({ WXOPEN_COMPONENT_ACCESS_TOKEN: emulator.tokens.issue(MINI_PROGRAM.appid, 'component').value });
}

/** `step:status` for each step of a chain's answer. */
export function stepsOf(answer: Record<string, unknown>): string[] {
  return ((answer['steps'] as Array<{ step: string; status: string }> | undefined) ?? []).map(({ step, status }) => `${step}:${status}`);
}

/** The index in the call log of the first call matching `test` (-1 when none). */
export function firstCall(emulator: Emulator, test: (call: { path: string; body: unknown; errcode?: number }) => boolean): number {
  return emulator.calls.findIndex((call) => test(call));
}
