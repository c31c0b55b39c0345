/** Letter case at a position of a string, without making a string for ASCII (what most text is). */

/** Whether the code unit at `k` of `s` is a capital: ASCII by its code, else by its case mapping. */
export function isUpperAt(s: string, k: number): boolean {
  const c = s.charCodeAt(k);
  if (c < 128) return c >= 65 && c <= 90;
  const ch = s[k]!;
  return ch !== ch.toLowerCase();
}

/** Whether the code unit at `k` of `s` is a lower-case letter: ASCII by its code, else by its case mapping. */
export function isLowerAt(s: string, k: number): boolean {
  const c = s.charCodeAt(k);
  if (c < 128) return c >= 97 && c <= 122;
  const ch = s[k]!;
  return ch !== ch.toUpperCase();
}
