import type { WeChatClient } from '../wechat-client';
import { staticHosting, type StaticFile } from './api';

/** More pages than this (1000 keys each on COS) is a site this chain was not made for. */
const MAX_PAGES = 100;

/**
 * Every file of the site under `prefix` (staticfilelist page after page, following `next_marker`,
 * or the last key when WeChat gives none), keyed by path. Read-only.
 */
export async function listAllStaticFiles(client: WeChatClient, env: string, prefix: string): Promise<Map<string, StaticFile>> {
  const files = new Map<string, StaticFile>();
  let marker: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await staticHosting.list(client, env, { ...(prefix === '' ? {} : { prefix }), ...(marker === undefined ? {} : { marker }) });
    for (const file of answer.contents) if (file.key !== '') files.set(file.key, file);
    const next = answer.next_marker ?? answer.contents[answer.contents.length - 1]?.key;
    if (!answer.is_truncated || next === undefined || next === marker) break;
    marker = next;
  }
  return files;
}
