import { lstatSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { checkStaticFilename } from '../../shared/static-hosting/filename';

/** One file of the folder being deployed. */
export interface LocalFile {
  /** Its path inside the site, with "/" (what the hosting key is under the prefix). */
  filename: string;
  /** Where it is on disk. */
  path: string;
  size: number;
}

export interface WalkedSite {
  files: LocalFile[];
  /** Left out on purpose: hidden entries (".git", ".DS_Store") and symbolic links (they may point outside the folder). */
  skipped: string[];
  /** Names the hosting would refuse, each with the rule: nothing is deployed while there are any. */
  problems: string[];
}

/** Every regular file under `root`, in a stable (sorted) order. */
export function walkSite(root: string): WalkedSite {
  const site: WalkedSite = { files: [], skipped: [], problems: [] };
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(dir, entry.name);
      const filename = relative(root, path).split(sep).join('/');
      if (entry.name.startsWith('.') || entry.isSymbolicLink()) {
        site.skipped.push(filename);
        continue;
      }
      if (entry.isDirectory()) {
        visit(path);
        continue;
      }
      if (!entry.isFile()) {
        site.skipped.push(filename);
        continue;
      }
      const checked = checkStaticFilename(filename);
      if (!checked.ok) site.problems.push(`${filename}: ${checked.problem}`);
      else site.files.push({ filename: checked.filename, path, size: lstatSync(path).size });
    }
  };
  visit(root);
  return site;
}
