import { createHash } from 'node:crypto';
import { cloudOf, type CloudEnv } from './cloud-envs';
import type { Emulator } from './server';

/** One file of an environment's static website. */
export interface HostedFile {
  bytes: Buffer;
  contentType: string;
  md5: string;
  lastModified: number;
}

/** `<envId>-<tencentAppId>.tcloudbaseapp.com`: the default hosting domain (cloudbase.md §5). */
export function hostingDomainOf(env: CloudEnv): string {
  return `${env.envId}-${env.tencentAppId}.tcloudbaseapp.com`;
}

/** The hosting bucket: `<n>-static-<envId>-<tencentAppId>`, the domain's name with a prefix. */
export function hostingBucketOf(env: CloudEnv): string {
  return `b8b3-static-${env.envId}-${env.tencentAppId}`;
}

export const HOSTING_REGION = 'ap-shanghai';

/** What the hosting answers for a key at one moment. */
export interface ServedFile {
  /** The file served (possibly an older upload while the latest propagates), or none (404). */
  file: HostedFile | undefined;
  /** 'fresh': what was uploaded last; 'stale': an older upload, still served; 'propagating': nothing yet; 'missing': no such file. */
  state: 'fresh' | 'stale' | 'propagating' | 'missing';
}

/** One upload (or delete) as the hosting's edge sees it: served from `visibleAt` on. */
interface Revision {
  file: HostedFile | undefined;
  visibleAt: number;
}

/**
 * Static website files per environment (the hosting bucket), separate from cloud storage.
 * Two views, as COS behind a CDN has them:
 * - the origin (`get`, `keys`: what staticfilelist lists, md5 included) changes at once on every
 *   upload or delete;
 * - what the hosting serves (`served`) follows each change only after the propagation delay
 *   (`hostingPropagationMs`): until then it answers the previous upload (stale content), or 404 for
 *   a file that had none, and a deleted file is still served.
 */
export class StaticSites {
  private readonly sites = new Map<string, Map<string, HostedFile>>();
  private readonly edges = new Map<string, Map<string, Revision[]>>();

  /** `propagationMs`: the delay applied to each change, read at the time of the change. */
  constructor(private readonly propagationMs: () => number = () => 0) {}

  put(envId: string, path: string, bytes: Buffer, contentType: string, at: number, delayMs: number = this.propagationMs()): HostedFile {
    let site = this.sites.get(envId);
    if (site === undefined) {
      site = new Map();
      this.sites.set(envId, site);
    }
    const file = { bytes, contentType, md5: createHash('md5').update(bytes).digest('hex'), lastModified: at };
    site.set(path, file);
    this.revise(envId, path, file, at + delayMs);
    return file;
  }

  /** Deletes a file from the origin at once; the hosting stops serving it after the delay. True when it existed. */
  remove(envId: string, path: string, at: number, delayMs: number = this.propagationMs()): boolean {
    const existed = this.sites.get(envId)?.delete(path) ?? false;
    if (existed) this.revise(envId, path, undefined, at + delayMs);
    return existed;
  }

  /** The origin's file (what staticfilelist lists). */
  get(envId: string, path: string): HostedFile | undefined {
    return this.sites.get(envId)?.get(path);
  }

  /** What the hosting serves for `path` at `now` (propagation included). */
  served(envId: string, path: string, now: number): ServedFile {
    const revisions = this.edges.get(envId)?.get(path);
    if (revisions === undefined || revisions.length === 0) return { file: undefined, state: 'missing' };
    let visible = -1;
    for (let index = 0; index < revisions.length; index++) if ((revisions[index] as Revision).visibleAt <= now) visible = index;
    // Revisions older than the visible one can never be served again.
    if (visible > 0) revisions.splice(0, visible);
    const current = visible < 0 ? undefined : (revisions[0] as Revision);
    const latest = revisions[revisions.length - 1] as Revision;
    if (current === undefined) return { file: undefined, state: 'propagating' };
    if (current === latest) return { file: current.file, state: current.file === undefined ? 'missing' : 'fresh' };
    return { file: current.file, state: current.file === undefined ? 'propagating' : 'stale' };
  }

  /** Keys in COS order (byte order of the UTF-8 key, which sort() gives for these strings). */
  keys(envId: string): string[] {
    return [...(this.sites.get(envId)?.keys() ?? [])].sort();
  }

  clear(): void {
    this.sites.clear();
    this.edges.clear();
  }

  private revise(envId: string, path: string, file: HostedFile | undefined, visibleAt: number): void {
    let edge = this.edges.get(envId);
    if (edge === undefined) {
      edge = new Map();
      this.edges.set(envId, edge);
    }
    const revisions = edge.get(path) ?? [];
    // A later change never becomes visible before an earlier one (a shorter delay set meanwhile).
    const last = revisions[revisions.length - 1];
    revisions.push({ file, visibleAt: Math.max(visibleAt, last?.visibleAt ?? visibleAt) });
    edge.set(path, revisions);
  }
}

/** The hosting's default propagation delay (setting hostingPropagationMs): changes are served at once. */
export const DEFAULT_HOSTING_PROPAGATION_MS = 0;

const states = new WeakMap<Emulator, StaticSites>();

/** The static websites of one emulator (created on first use, cleared on reset). */
export function staticSitesOf(emulator: Emulator): StaticSites {
  let sites = states.get(emulator);
  if (sites === undefined) {
    const fresh = new StaticSites(() => emulator.settings.hostingPropagationMs ?? DEFAULT_HOSTING_PROPAGATION_MS);
    emulator.onReset(() => fresh.clear());
    states.set(emulator, fresh);
    sites = fresh;
  }
  return sites;
}

/** A host name as DNS compares it: lower case, without a port. */
export function hostNameOf(host: string): string {
  return host.toLowerCase().replace(/:\d+$/, '');
}

/** A host name with a dot, made of letters, digits, "-" and "." (what a custom domain can be). */
export function isDomainName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && /^(?=.*\.)[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value);
}

const customDomains = new WeakMap<Emulator, Map<string, string>>();

/** Custom domains bound to environments' static hosting (domain → envId), cleared on reset. */
export function hostingCustomDomainsOf(emulator: Emulator): Map<string, string> {
  let domains = customDomains.get(emulator);
  if (domains === undefined) {
    const fresh = new Map<string, string>();
    emulator.onReset(() => fresh.clear());
    customDomains.set(emulator, fresh);
    domains = fresh;
  }
  return domains;
}

/** The environment whose static hosting a host serves: its default domain or a custom one bound to it. */
export function envByHostingDomain(emulator: Emulator, host: string): CloudEnv | undefined {
  const name = hostNameOf(host);
  const envs = cloudOf(emulator).envs;
  const custom = hostingCustomDomainsOf(emulator).get(name);
  if (custom !== undefined) return envs.get(custom);
  return [...envs.values()].find((env) => hostingDomainOf(env) === name);
}

export function envByHostingBucket(emulator: Emulator, bucket: string): CloudEnv | undefined {
  return [...cloudOf(emulator).envs.values()].find((env) => hostingBucketOf(env) === bucket);
}
