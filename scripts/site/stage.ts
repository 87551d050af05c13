import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mapWithConcurrency } from '../../shared/concurrency';
import { uploadToCloudStorage } from '../../shared/tcb/upload-file';
import type { WeChatClient } from '../../shared/wechat-client';
import type { LocalFile } from './walk';

/** The cloud-storage folder files are staged in; each file by its MD5, so staging the same bytes again changes nothing. */
export const STAGING_FOLDER = 'wxopen-site-staging';
const STAGE_CONCURRENCY = 4;

export interface StagedFile {
  filename: string;
  fileid: string;
  md5: string;
  size: number;
}

/**
 * Stages every file in the environment's cloud storage (tcb/uploadfile + COS POST, shared/tcb/
 * upload-file.ts) at `wxopen-site-staging/<md5>`, identical contents once, a few at a time: what
 * lets a site larger than one call's 6 MB event reach deployStaticSite, which then reads each
 * changed file by its fileid. `onStaged` is told after each upload.
 */
export async function stageFiles(client: WeChatClient, env: string, files: readonly LocalFile[], onStaged?: (done: number, total: number, filename: string) => void): Promise<StagedFile[]> {
  const read = files.map((file) => {
    const content = readFileSync(file.path);
    return { file, content, md5: createHash('md5').update(content).digest('hex') };
  });
  const unique = [...new Map(read.map((entry) => [entry.md5, entry])).values()];
  let done = 0;
  const ids = await mapWithConcurrency(unique, STAGE_CONCURRENCY, async (entry) => {
    const { fileid } = await uploadToCloudStorage(client, { env, path: `${STAGING_FOLDER}/${entry.md5}`, content: entry.content });
    done += 1;
    onStaged?.(done, unique.length, entry.file.filename);
    return [entry.md5, fileid] as const;
  });
  const byMd5 = new Map(ids);
  return read.map(({ file, md5 }) => ({ filename: file.filename, fileid: byMd5.get(md5) ?? '', md5, size: file.size }));
}
