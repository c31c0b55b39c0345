import { join } from 'node:path';
import { expect } from 'vitest';
import { ROOT } from '../../cli/browsers';
import { createMemoryCorpus } from '../../lib/corpus/reader';
import { findMentionsInBlocks } from '../../lib/match/blocks';
import { compileMatcher } from '../../lib/match/compile';
import { defaultBundle } from './support';

/** Folders the page tests serve on 127.0.0.1: the test pages, and Preact for the hydrating one. */
export const PAGE_MOUNTS = {
  '/page/': join(ROOT, 'test/fixtures/page'),
  '/preact/': join(ROOT, 'node_modules/preact/dist'),
  '/preact-hooks/': join(ROOT, 'node_modules/preact/hooks/dist'),
};

/**
 * What the extension should mark in these blocks, worked out in Node with the same matcher over
 * the default bundle's catalog: the first mention of each entity in each block, as `type:text`.
 */
export function expectedMarks(blocks: string[]): string[] {
  const bundle = defaultBundle();
  const found = findMentionsInBlocks(compileMatcher(bundle.entities), blocks);
  const out: string[] = [];
  found.forEach((list, b) => {
    const seen = new Set<number>();
    for (const m of list) {
      if (seen.has(m.entity)) continue;
      seen.add(m.entity);
      out.push(`${bundle.entities[m.entity]!.type}:${blocks[b]!.slice(m.start, m.end)}`);
    }
  });
  return out.sort();
}

/** Flattens `readHighlights()` output into sorted `type:text` strings. */
export function flatMarks(h: Record<string, string[]>): string[] {
  return Object.entries(h)
    .flatMap(([name, texts]) => texts.map((t) => `${name.replace(/^backstory-/, '')}:${t}`))
    .sort();
}

/** The ids of every passage that mentions an entity, from the default bundle. */
export async function passagesOf(entityId: string): Promise<Set<string>> {
  const hits = await createMemoryCorpus(defaultBundle()).getPassagesOfEntity(entityId, 1000);
  return new Set(hits.map((h) => h.passage.id));
}

/** Runs in the page: the viewport centre of the first occurrence of `text` inside the element `selector`. */
export function centreOf([selector, text]: string[]): { x: number; y: number } | null {
  const root = document.querySelector(selector!);
  if (!root) return null;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let all = '';
  const nodes: [Text, number][] = [];
  for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
    nodes.push([n, all.length]);
    all += n.data;
  }
  const at = all.indexOf(text!);
  if (at < 0) return null;
  const mid = at + Math.floor(text!.length / 2);
  const [node, start] = nodes.filter(([, s]) => s <= mid).at(-1)!;
  const range = document.createRange();
  range.setStart(node, mid - start);
  range.setEnd(node, Math.min(node.length, mid - start + 1));
  const r = range.getBoundingClientRect();
  return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
}

/** Runs in the page: asks the content script for its timings and waits for its performance mark. */
export async function requestStats(): Promise<Record<string, number | string> | null> {
  performance.clearMarks('backstory-stats');
  window.dispatchEvent(new Event('backstory-stats-request'));
  for (let i = 0; i < 100; i++) {
    const mark = performance.getEntriesByName('backstory-stats').at(-1) as PerformanceMark | undefined;
    if (mark) return JSON.parse(mark.detail as string) as Record<string, number | string>;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/**
 * Pages of 3 MB of news-like text in the shapes that make one block huge or the page long: one text
 * node, one <div> of about 25,000 spans, and as many paragraphs. Each names four of the catalog's actors.
 */
export function hugePages(): Record<string, string> {
  const names = ['Haider al-Abadi', 'Badr Organization', 'Qassem Soleimani', 'Popular Mobilization Forces'];
  // (one sentence in five in Arabic, as on a bilingual page: the text is two bytes a character)
  const sentence = (i: number): string =>
    i % 5 === 4
      ? 'وقال مسؤولون إن حيدر العبادي التقى المجلس بعد الهجوم على الحدود. '
      : `Officials said on Tuesday that ${names[i % names.length]} met the council after the attack on the border, and the talks went on. `;
  const count = Math.ceil(3_000_000 / sentence(0).length);
  const sentences = Array.from({ length: count }, (_, i) => sentence(i));
  const page = (body: string): string => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>3 MB</title></head><body>${body}</body></html>`;
  return {
    'one-text-node': page(`<div>${sentences.join('')}</div>`),
    'one-block-of-spans': page(`<div>${sentences.map((t) => `<span>${t}</span>`).join('')}</div>`),
    paragraphs: page(`<article>${sentences.map((t) => `<p>${t}</p>`).join('\n')}</article>`),
  };
}

/**
 * The check of a 3 MB page (see hugePages), in either browser: once the first scan is done, no
 * task of the extension took 50 ms, none of its work failed, and the names are marked.
 */
export async function expectHugePage(page: {
  stats: () => Promise<Record<string, number | string> | null>;
  marks: () => Promise<string[]>;
}): Promise<void> {
  await expect.poll(async () => (await page.stats())?.scanDoneAt, { timeout: 30_000 }).toBeGreaterThan(0);
  const stats = (await page.stats())!;
  expect(Number(stats.maxSliceMs), `longest extension task (ms), in ${stats.maxSliceWork}`).toBeLessThan(50);
  expect(stats.lastError).toBeUndefined();
  expect(await page.marks()).toEqual(expect.arrayContaining(['person:Haider al-Abadi', 'armed-group:Badr Organization', 'person:Qassem Soleimani']));
}

/** Runs in the page: the state of the card in its shadow root (null when no card is shown). */
export function cardState(): { state: string; entity: string | null; name: string; passages: string[]; links: string[] } | null {
  const host = document.querySelector('backstory-card');
  const card = host?.shadowRoot?.querySelector('[data-testid="backstory-card"]');
  if (!card) return null;
  return {
    state: card.getAttribute('data-state') ?? '',
    entity: card.getAttribute('data-entity'),
    name: card.querySelector('h2')?.textContent ?? '',
    passages: [...card.querySelectorAll('li[data-passage]')].map((li) => li.getAttribute('data-passage')!),
    links: [...card.querySelectorAll('a[data-testid="reader-link"]')].map((a) => a.getAttribute('href')!),
  };
}

/**
 * On test/fixtures/page/reveal.html: the names shown at load, and those in its hidden parts (where
 * "Abadi", a weak alias, counts because the page named Haider al-Abadi in full before).
 */
export const REVEAL_NAMES = {
  shown: ['Haider al-Abadi'],
  hidden: ['Qassem Soleimani', 'Abadi', 'Lloyd Austin', 'Badr Organization', 'Popular Mobilization Forces', 'Abu Mahdi al-Muhandis'],
  /** In parts that stay hidden (by `visibility`, and by a `hidden` attribute the page's CSS overrules, whose text is not read). */
  never: 'Nouri al-Maliki',
};

/** Shows every hidden part of reveal.html, each the way pages do it (run in the page). */
export function revealParts(): void {
  for (const id of ['tab', 'far', 'appended']) document.getElementById(id)!.classList.add('open');
  for (const id of ['later', 'inline']) (document.getElementById(id) as HTMLElement).hidden = false;
}

/**
 * The reveal check, the same in every browser, on reveal.html once open: `names` lists the marked
 * texts, `stats` runs requestStats in the page, `reveal` runs revealParts in it.
 */
export async function expectReveal(page: {
  names: () => Promise<string[]>;
  stats: () => Promise<Record<string, number | string> | null>;
  reveal: () => Promise<void>;
}): Promise<void> {
  await expect.poll(page.names, { timeout: 20_000 }).toEqual(expect.arrayContaining(REVEAL_NAMES.shown));
  await expect.poll(async () => Number((await page.stats())!.hiddenWatched), { timeout: 5_000 }).toBeGreaterThanOrEqual(5);
  for (const name of REVEAL_NAMES.hidden) expect(await page.names()).not.toContain(name);
  // Hidden elements that keep a box are not watched, so they cost nothing while the page is still:
  // once the first scan's last slice has run (an observer's first report may come a moment after
  // the count above, on a loaded machine), no slice runs for a second. A page that re-watched them
  // would run one every few hundred ms and never get this far.
  let still: Record<string, number | string> | undefined;
  await expect
    .poll(
      async () => {
        const now = (await page.stats())!;
        const quiet = now.slices === still?.slices;
        still = now;
        return quiet;
      },
      { interval: 300, timeout: 5_000 },
    )
    .toBe(true);
  await new Promise((ok) => setTimeout(ok, 1000));
  expect((await page.stats())!.slices).toBe(still!.slices);
  await page.reveal();
  await expect.poll(page.names, { timeout: 10_000 }).toEqual(expect.arrayContaining([...REVEAL_NAMES.shown, ...REVEAL_NAMES.hidden]));
  expect(Number((await page.stats())!.hiddenWatched)).toBe(0);
  expect(await page.names()).not.toContain(REVEAL_NAMES.never);
}
