import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../../cli/browsers';
import { htmlToText } from '../../../cli/html';
import { compileMatcher } from '../../../lib/match/compile';
import { findMentions } from '../../../lib/match/find';
import { expandPattern } from '../../../lib/match/pattern';
import { normalizeKey } from '../../../lib/text/normalize';
import { seedCatalog } from '../seed';

/**
 * The seed catalog over the 150 saved real news pages in ../shared/fixtures/pages (read from there,
 * never copied), their article text extracted as `cli annotate` does: every mention is a span whose
 * text is, once normalised, one of its entity's aliases, in order and without overlap.
 */
const FIXTURES = join(ROOT, '../shared/fixtures/pages');
const haveFixtures = existsSync(FIXTURES);
if (!haveFixtures) {
  const message = `The shared page fixtures are not at ${FIXTURES}: the real-page matching tests cannot run.`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\nSKIPPED: ${message}\n`);
}
const files = haveFixtures ? readdirSync(FIXTURES).filter((f) => f.endsWith('.html')).sort() : [];
const catalog = await seedCatalog();
const matcher = compileMatcher(catalog.entities);
/** Per entity, the normalised form of every alias literal. */
const keys = catalog.entities.map((e) => new Set(e.aliases.flatMap((a) => expandPattern(a.text).map(normalizeKey))));

describe.skipIf(!haveFixtures)('the seed catalog on real news pages', () => {
  it('has the pages', () => {
    expect(files.length).toBeGreaterThanOrEqual(150);
  });

  const found = new Map<string, number>();
  it.each(files)('%s: every mention is one of its entity’s aliases', (file) => {
    const { text } = htmlToText(readFileSync(join(FIXTURES, file), 'utf8'));
    let last = 0;
    for (const m of findMentions(matcher, text)) {
      expect(m.start).toBeGreaterThanOrEqual(last);
      expect(m.end).toBeGreaterThan(m.start);
      const span = text.slice(m.start, m.end);
      expect(keys[m.entity], `${JSON.stringify(span)} in ${file}`).toContain(normalizeKey(span));
      found.set(catalog.entities[m.entity]!.id, (found.get(catalog.entities[m.entity]!.id) ?? 0) + 1);
      last = m.end;
    }
  });

  it('finds the corpus’s actors on the pages that speak of them', () => {
    // Several saved pages are about Iraq, Syria and Iran (Al Jazeera, Al Bawaba, Polygraph and others).
    expect(found.get('iraq') ?? 0).toBeGreaterThan(5);
    expect(found.get('iran') ?? 0).toBeGreaterThan(5);
  });
});
