/** What happened to one file of the site (dry runs answer would_upload / would_delete instead). */
export type FileOutcomeKind = 'uploaded' | 'unchanged' | 'deleted' | 'failed' | 'would_upload' | 'would_delete';

export interface FileOutcome {
  /** The file's path in the hosting (prefix + filename). */
  key: string;
  outcome: FileOutcomeKind;
  size?: number;
  md5?: string;
  /** For failed files: the code (WeChat's or the local range) and the reason, no secret. */
  errcode?: number;
  reason?: string;
}

export interface OutcomeCounts {
  uploaded: number;
  unchanged: number;
  deleted: number;
  failed: number;
}

export function countOutcomes(outcomes: readonly FileOutcome[]): OutcomeCounts {
  const count = (kind: FileOutcomeKind) => outcomes.filter((file) => file.outcome === kind).length;
  return { uploaded: count('uploaded'), unchanged: count('unchanged'), deleted: count('deleted'), failed: count('failed') };
}

/** "a.js (990304: …); b.css (…)" for the first few failures, for one error message. */
export function failureSummary(failed: readonly FileOutcome[], shown = 3): string {
  const listed = failed.slice(0, shown).map((file) => `${file.key} (${file.errcode ?? '?'}: ${file.reason ?? 'failed'})`);
  return `${listed.join('; ')}${failed.length > shown ? `; and ${failed.length - shown} more (see files)` : ''}`;
}
