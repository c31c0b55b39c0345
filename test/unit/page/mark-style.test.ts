import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { entityTypes } from '../../../lib/corpus/schema';
import { highlightName } from '../../../lib/page/highlights';
import { MARK_TAG } from '../../../lib/page/text-blocks';

/** The marks' stylesheet, split into its light rules and those for dark pages. */
const css = readFileSync(new URL('../../../entrypoints/content/style.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
const [light, dark] = css.split('@media (prefers-color-scheme: dark)') as [string, string];
const rules = (text: string) => [...text.matchAll(/([^{}]+)\{([^{}]*)\}/g)].map((m) => ({ selector: m[1]!.trim(), body: m[2]!.trim() }));

describe('the marks stylesheet', () => {
  it.each(entityTypes)('styles %s marks drawn as highlights and as wrapped elements, on light and dark pages', (type) => {
    for (const part of [light, dark]) {
      const selectors = rules(part).map((r) => r.selector);
      expect(selectors).toContain(`::highlight(${highlightName(type)})`);
      expect(selectors).toContain(`${MARK_TAG}[data-type='${type}']`);
    }
  });

  it('draws marks with a background only: a text decoration or shadow makes Chromium repaint every mark after any change to the page', () => {
    const all = [...rules(light), ...rules(dark)].filter((r) => r.selector.startsWith('::highlight'));
    expect(all.length).toBeGreaterThan(0);
    for (const r of all) expect(r.body).toMatch(/^background-color: rgba\([^)]*\);$/);
  });

  it('never puts ::highlight and an element selector in one rule (a browser without the API would drop the whole rule)', () => {
    for (const r of rules(css.replace('@media (prefers-color-scheme: dark) {', ''))) {
      if (r.selector.includes('::highlight')) expect(r.selector).not.toContain(',');
    }
  });
});
