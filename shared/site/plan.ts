import type { StaticFile } from '../static-hosting/api';
import type { SiteFile } from './site-files';

/**
 * What each file needs, from the listing alone:
 * - unchanged: the hosting holds the same bytes (same MD5, and the same size when known);
 * - upload: missing, or the bytes differ;
 * - check: a staged file whose MD5 the caller did not give: read it, then decide.
 */
export type FileAction = 'unchanged' | 'upload' | 'check';

export interface PlannedFile {
  file: SiteFile;
  action: FileAction;
  /** What the hosting lists at that key, if anything. */
  listed?: StaticFile;
}

export interface SitePlan {
  files: PlannedFile[];
  /** Listed under the prefix, not part of the site, not protected: what delete_stale removes. */
  stale: StaticFile[];
}

/** Same bytes as the listing says: MD5 equal (case aside) and, when both are known, the size. */
export function sameAsListed(listed: StaticFile | undefined, md5: string, size?: number): boolean {
  if (listed === undefined || listed.md5.toLowerCase() !== md5.toLowerCase()) return false;
  const listedSize = Number(listed.size);
  return size === undefined || listed.size === '' || !Number.isFinite(listedSize) || listedSize === size;
}

export function planSite(files: readonly SiteFile[], listing: ReadonlyMap<string, StaticFile>, options: { prefix: string; protect: (key: string) => boolean }): SitePlan {
  const planned = files.map((file): PlannedFile => {
    const listed = listing.get(file.key);
    const base = listed === undefined ? { file } : { file, listed };
    const { source } = file;
    if (source.kind === 'bytes') return { ...base, action: sameAsListed(listed, source.md5, source.bytes.byteLength) ? 'unchanged' : 'upload' };
    if (listed === undefined) return { ...base, action: 'upload' };
    if (source.md5 === undefined) return { ...base, action: 'check' };
    return { ...base, action: sameAsListed(listed, source.md5) ? 'unchanged' : 'upload' };
  });
  const wanted = new Set(files.map((file) => file.key));
  const stale = [...listing.values()].filter((listed) => listed.key.startsWith(options.prefix) && !wanted.has(listed.key) && !options.protect(listed.key));
  return { files: planned, stale };
}
