const tags = new Map<string, string>();

/**
 * A short tag for a secret, for cache keys of this instance: each distinct secret seen here gets
 * the next number ("s1", "s2", ...), so a rotated secret gets a fresh cache slot and the key holds
 * nothing derived from the secret. Instance-scoped tokens only: the tags mean nothing elsewhere.
 */
export function secretTag(secret: string): string {
  let tag = tags.get(secret);
  if (tag === undefined) {
    tag = `s${tags.size + 1}`;
    tags.set(secret, tag);
  }
  return tag;
}
