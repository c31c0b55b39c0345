/**
 * The catalog's small alias grammar: `[words]` marks optional words and `(a|b)` alternatives,
 * e.g. "[the] offensive to (retake|recapture) Tikrit". Everything else is literal text.
 */

/** Expands an alias pattern into every literal string it stands for (at most `limit`). */
export function expandPattern(pattern: string, limit = 256): string[] {
  if (!/[[\]()]/.test(pattern)) {
    const literal = pattern.replace(/\s+/g, ' ').trim();
    return literal === '' ? [] : [literal];
  }
  let results = [''];
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '[' || ch === '(') {
      const close = ch === '[' ? ']' : ')';
      const end = pattern.indexOf(close, i + 1);
      if (end < 0) throw new Error(`Alias pattern "${pattern}" has an unclosed "${ch}".`);
      const inner = pattern.slice(i + 1, end);
      if (/[[\]()]/.test(inner)) throw new Error(`Alias pattern "${pattern}" nests a group in a group, which the grammar does not allow.`);
      const options = ch === '[' ? [inner, ''] : inner.split('|');
      const next: string[] = [];
      for (const r of results) for (const o of options) next.push(r + o);
      if (next.length > limit) throw new Error(`Alias pattern "${pattern}" expands to more than ${limit} strings.`);
      results = next;
      i = end + 1;
    } else if (ch === ']' || ch === ')') {
      throw new Error(`Alias pattern "${pattern}" has a stray "${ch}".`);
    } else {
      let end = i + 1;
      while (end < pattern.length && !'[]()'.includes(pattern[end]!)) end++;
      const literal = pattern.slice(i, end);
      results = results.map((r) => r + literal);
      i = end;
    }
  }
  return [...new Set(results.map((r) => r.replace(/\s+/g, ' ').trim()).filter((r) => r !== ''))];
}
