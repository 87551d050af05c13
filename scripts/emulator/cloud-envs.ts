import type { Emulator } from './server';

/** A CloudBase environment as the emulator models it: one per account, with storage and hosting. */
export interface CloudEnv {
  envId: string;
  /** The WeChat account that owns it (its tokens may use it). */
  appid: string;
  /** The 10-digit Tencent Cloud APPID that appears in bucket and domain names. */
  tencentAppId: string;
}

export const DEMO_ENVS: readonly CloudEnv[] = [
  { envId: 'demo-env-1a2b3c', appid: 'wx1111111111111111', tencentAppId: '1300000001' },
  { envId: 'brand-env-4d5e6f', appid: 'wx3333333333333333', tencentAppId: '1300000003' },
  { envId: 'shop-env-7g8h9i', appid: 'wx5555555555555555', tencentAppId: '1300000005' },
];

/** cloud://<env>.<bucket-hex>-<env>-<tencentAppId>/<path>: the fileid format WeChat returns. */
export function storageBucketOf(env: CloudEnv): string {
  return `7465-${env.envId}-${env.tencentAppId}`;
}

export function fileIdOf(env: CloudEnv, path: string): string {
  return `cloud://${env.envId}.${storageBucketOf(env)}/${path.replace(/^\/+/, '')}`;
}

/** Splits a cloud:// fileid into env id and path; undefined when it is not one. */
export function parseFileId(fileId: string): { envId: string; path: string } | undefined {
  const match = /^cloud:\/\/([a-z0-9-]+)\.[^/]+\/(.+)$/i.exec(fileId);
  return match === null ? undefined : { envId: match[1] as string, path: match[2] as string };
}

/** One stored object in an environment's cloud storage. */
export interface StoredObject {
  bytes: Buffer;
  contentType: string;
  uploadedAt: number;
}

/**
 * Cloud storage per environment, shared by the modules that write it (tcb/uploadfile + the COS
 * POST stand-in) and read it (tcb/batchdownloadfile and its download links). Cleared on reset.
 */
export class CloudStorage {
  private readonly objects = new Map<string, Map<string, StoredObject>>();

  put(envId: string, path: string, object: StoredObject): void {
    let bucket = this.objects.get(envId);
    if (bucket === undefined) {
      bucket = new Map();
      this.objects.set(envId, bucket);
    }
    bucket.set(path.replace(/^\/+/, ''), object);
  }

  get(envId: string, path: string): StoredObject | undefined {
    return this.objects.get(envId)?.get(path.replace(/^\/+/, ''));
  }

  list(envId: string): string[] {
    return [...(this.objects.get(envId)?.keys() ?? [])].sort();
  }

  clear(): void {
    this.objects.clear();
  }
}

interface CloudState {
  envs: Map<string, CloudEnv>;
  storage: CloudStorage;
}

const states = new WeakMap<Emulator, CloudState>();

/** The environments and cloud storage of one emulator (created on first use, cleared on reset). */
export function cloudOf(emulator: Emulator): CloudState {
  let state = states.get(emulator);
  if (state === undefined) {
    const fresh: CloudState = { envs: new Map(DEMO_ENVS.map((env) => [env.envId, { ...env }])), storage: new CloudStorage() };
    emulator.onReset(() => {
      fresh.storage.clear();
      fresh.envs.clear();
      for (const env of DEMO_ENVS) fresh.envs.set(env.envId, { ...env });
    });
    states.set(emulator, fresh);
    state = fresh;
  }
  return state;
}
