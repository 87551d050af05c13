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

/** Static website files per environment (the hosting bucket), separate from cloud storage. */
export class StaticSites {
  private readonly sites = new Map<string, Map<string, HostedFile>>();

  put(envId: string, path: string, bytes: Buffer, contentType: string, at: number): HostedFile {
    let site = this.sites.get(envId);
    if (site === undefined) {
      site = new Map();
      this.sites.set(envId, site);
    }
    const file = { bytes, contentType, md5: createHash('md5').update(bytes).digest('hex'), lastModified: at };
    site.set(path, file);
    return file;
  }

  get(envId: string, path: string): HostedFile | undefined {
    return this.sites.get(envId)?.get(path);
  }

  /** Keys in COS order (byte order of the UTF-8 key, which sort() gives for these strings). */
  keys(envId: string): string[] {
    return [...(this.sites.get(envId)?.keys() ?? [])].sort();
  }

  clear(): void {
    this.sites.clear();
  }
}

const states = new WeakMap<Emulator, StaticSites>();

/** The static websites of one emulator (created on first use, cleared on reset). */
export function staticSitesOf(emulator: Emulator): StaticSites {
  let sites = states.get(emulator);
  if (sites === undefined) {
    const fresh = new StaticSites();
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
