// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EntityType } from '../../../lib/corpus/schema';
import { createPageMarker, type FindMentions, type FoundMention, type PageMarker, selectShown } from '../../../lib/page/marker';

/** A stand-in for the background's matcher: every occurrence of each name, in text order. */
const NAMES: [string, string, EntityType][] = [
  ['Haider al-Abadi', 'haider-al-abadi', 'person'],
  ['Badr Organization', 'badr', 'armed-group'],
  ['Iraq', 'iraq', 'country'],
];
function finder(calls: string[][] = []): FindMentions {
  return async (blocks) => {
    calls.push(blocks);
    return blocks.map((text) => {
      const out: FoundMention[] = [];
      for (const [name, entityId, type] of NAMES) {
        for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) out.push({ start: i, end: i + name.length, entityId, type });
      }
      return out.sort((a, b) => a.start - b.start);
    });
  };
}

const marks = (): string[] => [...document.querySelectorAll('backstory-mark')].map((m) => `${m.getAttribute('data-type')}:${m.textContent}`);
const settle = async (m: PageMarker): Promise<void> => {
  await new Promise((r) => setTimeout(r, 0)); // MutationObserver records arrive as a microtask
  await m.idle();
};

let marker: PageMarker | undefined;
afterEach(() => {
  marker?.destroy();
  marker = undefined;
  document.body.innerHTML = '';
});

describe('selectShown', () => {
  const m = (entityId: string, start: number, type: EntityType = 'person'): FoundMention => ({ start, end: start + 1, entityId, type });
  const list = [m('a', 0), m('b', 2), m('a', 4), m('c', 6, 'country')];
  it.each<[string, Parameters<typeof selectShown>[1], string[]]>([
    ['first of each entity', { markMode: 'first', disabledTypes: [] }, ['a0', 'b2', 'c6']],
    ['every mention', { markMode: 'every', disabledTypes: [] }, ['a0', 'b2', 'a4', 'c6']],
    ['a type switched off', { markMode: 'every', disabledTypes: ['country'] }, ['a0', 'b2', 'a4']],
  ])('%s', (_n, settings, expected) => {
    expect(selectShown(list, settings).map((x) => `${x.entityId}${x.start}`)).toEqual(expected);
  });
});

describe('createPageMarker (wrapping fallback: happy-dom has no CSS Custom Highlight API)', () => {
  it('marks the first mention of each entity in each block, across inline elements, and leaves the text as it was', async () => {
    document.body.innerHTML = '<p>Haider <em>al-Abadi</em> met the Badr Organization in Iraq; Iraq again.</p><p>Iraq</p><pre>Iraq</pre>';
    const text = document.body.textContent;
    marker = createPageMarker(document, { find: finder(), changeDelayMs: 5 });
    await marker.idle();
    expect(marker.stats().painter).toBe('wrap');
    expect(marks()).toEqual(['person:Haider ', 'person:al-Abadi', 'armed-group:Badr Organization', 'country:Iraq', 'country:Iraq']);
    expect(document.body.textContent).toBe(text);
    marker.destroy();
    expect(document.querySelectorAll('backstory-mark')).toHaveLength(0);
    expect(document.body.textContent).toBe(text);
  });

  it('draws no mark in text an inline element hides, however deep, and takes the next mention instead', async () => {
    document.body.innerHTML = '<p><span style="display:none"><a href="#"><b>Iraq</b></a></span> and Iraq, said <span style="visibility:hidden">Haider al-Abadi</span>.</p>';
    marker = createPageMarker(document, { find: finder() });
    await marker.idle();
    expect(marks()).toEqual(['country:Iraq']);
    expect(document.querySelector('backstory-mark')!.parentElement!.tagName).toBe('P');
  });

  it('follows the settings: every mention, and types switched off', async () => {
    document.body.innerHTML = '<p>Iraq and Iraq, said Haider al-Abadi.</p>';
    marker = createPageMarker(document, { find: finder(), settings: { markMode: 'every', disabledTypes: ['person'] } });
    await marker.idle();
    expect(marks()).toEqual(['country:Iraq', 'country:Iraq']);
    marker.setSettings({ markMode: 'first', disabledTypes: [] });
    await marker.idle();
    expect(marks()).toEqual(['country:Iraq', 'person:Haider al-Abadi']);
  });

  it('marks paragraphs added after load, and drops the marks of removed ones', async () => {
    document.body.innerHTML = '<main><p>Nothing here.</p></main>';
    const calls: string[][] = [];
    marker = createPageMarker(document, { find: finder(calls), changeDelayMs: 5 });
    await marker.idle();
    expect(marks()).toEqual([]);
    const p = document.createElement('p');
    p.textContent = 'Later, the Badr Organization.';
    document.querySelector('main')!.append(p);
    await settle(marker);
    expect(marks()).toEqual(['armed-group:Badr Organization']);
    expect(calls.at(-1)).toEqual(['Later, the Badr Organization.']); // only the new block was read
    p.remove();
    await settle(marker);
    expect(marker.stats()).toMatchObject({ blocks: 0, marks: 0 });
  });

  it('tells the matcher which entities the page has named by a strong alias so far, and not those found by a weak one', async () => {
    document.body.innerHTML = '<main><p>Haider al-Abadi and Badr.</p></main>';
    const named: string[][] = [];
    // "Badr" here is a weak alias the matcher confirmed: it confirms nothing elsewhere.
    const find: FindMentions = async (blocks, page) => {
      named.push(page);
      return blocks.map((text) => {
        const out: FoundMention[] = [];
        const a = text.indexOf('Haider al-Abadi');
        if (a >= 0) out.push({ start: a, end: a + 15, entityId: 'haider-al-abadi', type: 'person' });
        const b = text.indexOf('Badr.');
        if (b >= 0) out.push({ start: b, end: b + 4, entityId: 'badr', type: 'armed-group', weak: true });
        return out;
      });
    };
    marker = createPageMarker(document, { find, changeDelayMs: 5 });
    await marker.idle();
    const p = document.createElement('p');
    p.textContent = 'Later, Abadi spoke.';
    document.querySelector('main')!.append(p);
    await settle(marker);
    expect(named).toEqual([[], ['haider-al-abadi']]);
  });

  it('sends the top of the page first in a small batch, and the rest in large ones', async () => {
    const sentence = 'Haider al-Abadi met the Badr Organization in Iraq, and then went on talking at some length. ';
    document.body.innerHTML = Array.from({ length: 800 }, () => `<p>${sentence}</p>`).join('');
    const calls: string[][] = [];
    marker = createPageMarker(document, { find: finder(calls) });
    await marker.idle();
    const sizes = calls.map((blocks) => blocks.reduce((n, b) => n + b.length, 0));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(800 * sentence.length);
    // the first call holds at most 16 K characters, as many blocks as fit
    expect(sizes[0]).toBeLessThanOrEqual(16 * 1024);
    expect(sizes[0]).toBeGreaterThan(16 * 1024 - sentence.length);
    // the other 58 K characters go in one call (a batch is up to 128 K)
    expect(sizes.length).toBe(2);
    expect(marks().filter((m) => m.startsWith('person')).length).toBe(800);
  });

  it('sends a block longer than a batch in parts cut at sentence ends, and marks it as one block', async () => {
    // one <div> of 320 K characters in 10,000 spans: one block, over a first call and batches;
    // each name comes once: at the top, in the middle and at the end
    const filler = 'Then more words were said here. ';
    const at: Record<number, string> = { 0: 'Haider al-Abadi spoke. ', 5000: 'He met the Badr Organization. ', 9999: 'He left for Iraq. ' };
    document.body.innerHTML = `<div>${Array.from({ length: 10_000 }, (_, i) => `<span>${at[i] ?? filler}</span>`).join('')}</div>`;
    const text = document.body.textContent!;
    expect(text.length).toBeGreaterThan(16 * 1024 + 128 * 1024);
    const calls: string[][] = [];
    marker = createPageMarker(document, { find: finder(calls) });
    await marker.idle();
    const sizes = calls.map((blocks) => blocks.reduce((n, b) => n + b.length, 0));
    expect(sizes.length).toBeGreaterThanOrEqual(3);
    expect(sizes[0]).toBeLessThanOrEqual(16 * 1024);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(128 * 1024);
    // the parts, in order, are the block's text, each cut after a sentence's end
    const parts = calls.flat();
    expect(parts.join('')).toBe(text);
    for (const part of parts.slice(0, -1)) expect(part).toMatch(/[a-z]\. $/);
    // each name marked where it stands in the block (a part's mentions are moved by where it starts)
    expect(marker.stats()).toMatchObject({ blocks: 1, marks: 3 });
    expect(marks()).toEqual(['person:Haider al-Abadi', 'armed-group:Badr Organization', 'country:Iraq']);
  });

  it('drops a long block whose part the matcher failed on, and marks the rest of the page', async () => {
    const filler = 'Then more words were said here. ';
    document.body.innerHTML = `<div><span>Haider al-Abadi spoke. </span>${`<span>${filler}</span>`.repeat(10_000)}<span>He met the Badr Organization. </span></div><p>Iraq voted.</p>`;
    const calls: string[][] = [];
    const find = finder(calls);
    marker = createPageMarker(document, { find: (blocks, named) => (calls.length === 1 ? (calls.push(blocks), Promise.reject(new Error('The matcher failed.'))) : find(blocks, named)) });
    await marker.idle();
    // the first call (a part) came back, the second (the next parts) failed: the block gets no marks
    // (parts sent before the failure was known come back and are dropped), the paragraph after it does
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.at(-1)!.at(-1)).toBe('Iraq voted.');
    expect(marker.stats()).toMatchObject({ lastError: 'The matcher failed.', blocks: 1 });
    expect(marks()).toEqual(['country:Iraq']);
  });

  it('matches the first batch again when later text names an entity it mentions only by a weak alias', async () => {
    // "Abadi" alone counts where the call names Haider al-Abadi too, or the page has named him before
    const named: string[][] = [];
    const find: FindMentions = async (blocks, page) => {
      named.push(page);
      const strong = page.includes('haider-al-abadi') || blocks.some((b) => b.includes('Haider al-Abadi'));
      return blocks.map((text) => {
        const out: FoundMention[] = [];
        for (let i = text.indexOf('Abadi'); i >= 0; i = text.indexOf('Abadi', i + 1)) {
          if (text.startsWith('Haider al-', i - 10)) out.push({ start: i - 10, end: i + 5, entityId: 'haider-al-abadi', type: 'person' });
          else if (strong) out.push({ start: i, end: i + 5, entityId: 'haider-al-abadi', type: 'person', weak: true });
        }
        return out;
      });
    };
    const filler = '<p>The parliament met again on Tuesday, and the session went on late into the night.</p>'.repeat(250);
    document.body.innerHTML = `<h1>Abadi returns</h1>${filler}<p>Haider al-Abadi spoke.</p>`;
    marker = createPageMarker(document, { find });
    await marker.idle();
    // the first call (16 K characters), the rest, and the first call again with what the rest named
    expect(named).toEqual([[], [], ['haider-al-abadi']]);
    expect(marks()).toEqual(['person:Abadi', 'person:Haider al-Abadi']);
  });

  it('reads a block again when its text changes', async () => {
    document.body.innerHTML = '<p id="live">Nothing yet.</p>';
    marker = createPageMarker(document, { find: finder(), changeDelayMs: 5 });
    await marker.idle();
    document.getElementById('live')!.firstChild!.nodeValue = 'Now Iraq.';
    await settle(marker);
    expect(marks()).toEqual(['country:Iraq']);
  });

  it('stays bounded on a page that rewrites itself without end', async () => {
    document.body.innerHTML = '<div id="feed"></div>';
    const feed = document.getElementById('feed')!;
    marker = createPageMarker(document, { find: finder(), changeDelayMs: 5 });
    await marker.idle();
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 100; i++) {
        const p = document.createElement('p');
        p.textContent = `Item ${round}.${i} about Iraq`;
        feed.append(p);
      }
      while (feed.children.length > 50) feed.firstElementChild!.remove();
      await settle(marker);
    }
    const s = marker.stats();
    expect(s.blocks).toBeLessThanOrEqual(50);
    expect(s.marks).toBe(document.querySelectorAll('backstory-mark').length);
    expect(s.marks).toBeLessThanOrEqual(50);
  });

  it('rescans the whole page, not node by node, after a flood of changes', { timeout: 30_000 }, async () => {
    document.body.innerHTML = '<div id="feed"></div>';
    marker = createPageMarker(document, { find: finder(), changeDelayMs: 5 });
    await marker.idle();
    const feed = document.getElementById('feed')!;
    for (let i = 0; i < 1100; i++) feed.append(Object.assign(document.createElement('p'), { textContent: `Iraq ${i}` }));
    await settle(marker);
    expect(marker.stats().rescans).toBe(1);
    expect(document.querySelectorAll('backstory-mark')).toHaveLength(1100);
  });

  it('finds the mention at or after a position', async () => {
    document.body.innerHTML = '<p id="a">Intro text.</p><p>Then Haider al-Abadi spoke of Iraq.</p>';
    marker = createPageMarker(document, { find: finder(), changeDelayMs: 5 });
    await marker.idle();
    const hit = marker.mentionFrom(document.getElementById('a')!.firstChild!, 2);
    expect(hit?.mention.entityId).toBe('haider-al-abadi');
    expect(hit?.block.text).toBe('Then Haider al-Abadi spoke of Iraq.');
    const after = marker.mentionFrom(hit!.range.endContainer, hit!.range.endOffset);
    expect(after?.mention.entityId).toBe('iraq');
  });
});

describe('createPageMarker with CSS highlights', () => {
  it('draws ranges into one highlight per type and changes no node', async () => {
    // happy-dom lacks the API: a minimal stand-in with the same shape (a registry of sets of ranges).
    const registry = new Map<string, Set<Range>>();
    const css = Object.getOwnPropertyDescriptor(window, 'CSS');
    Object.defineProperty(window, 'CSS', { value: { highlights: registry }, configurable: true });
    Object.assign(window, { Highlight: class extends Set<Range> {} });
    try {
      document.body.innerHTML = '<p>Haider <em>al-Abadi</em> in Iraq.</p><p>Iraq</p>';
      const html = document.body.innerHTML;
      marker = createPageMarker(document, { find: finder(), changeDelayMs: 5 });
      await marker.idle();
      expect(marker.stats().painter).toBe('highlights');
      expect(document.body.innerHTML).toBe(html);
      const drawn = Object.fromEntries([...registry].map(([k, v]) => [k, [...v].map((r) => r.toString())]));
      expect(drawn).toEqual({ 'backstory-person': ['Haider al-Abadi'], 'backstory-country': ['Iraq', 'Iraq'] });
      document.querySelectorAll('p')[1]!.remove();
      await settle(marker);
      expect([...registry.get('backstory-country')!].map((r) => r.toString())).toEqual(['Iraq']);
      marker.destroy();
      expect(registry.size).toBe(0);
    } finally {
      delete (window as Partial<Window & { Highlight: unknown }>).Highlight;
      if (css) Object.defineProperty(window, 'CSS', css);
      else delete (window as { CSS?: unknown }).CSS;
    }
  });
});

describe('createPageMarker with many marks', () => {
  it('draws only the marks of blocks near the viewport, and the others as they come near', async () => {
    // Stand-ins with the same shapes: a highlight registry, and an IntersectionObserver the test reports for.
    const registry = new Map<string, Set<Range>>();
    let callback: ((entries: unknown[]) => void) | undefined;
    const observed = new Set<Element>();
    // The browser's report for elements: near when within two viewport heights, by their boxes now.
    const H = window.innerHeight;
    const report = (els: Element[]) =>
      callback!(
        els.map((target) => {
          const r = target.getBoundingClientRect();
          return { target, isIntersecting: r.bottom >= -2 * H && r.top <= 3 * H, boundingClientRect: r, rootBounds: { top: -2 * H, bottom: 3 * H } };
        }),
      );
    const css = Object.getOwnPropertyDescriptor(window, 'CSS');
    const scrollY = Object.getOwnPropertyDescriptor(window, 'scrollY');
    Object.defineProperty(window, 'CSS', { value: { highlights: registry }, configurable: true });
    Object.assign(window, {
      Highlight: class extends Set<Range> {},
      IntersectionObserver: class {
        constructor(cb: typeof callback) {
          // The first is the near-viewport observer (the second watches hidden elements: none here).
          callback ??= cb;
        }
        observe(el: Element) {
          observed.add(el);
        }
        unobserve(el: Element) {
          observed.delete(el);
        }
        disconnect() {}
      },
    });
    try {
      document.body.innerHTML = Array.from({ length: 600 }, (_, i) => `<p id="p${i}">Paragraph ${i} on Iraq.</p>`).join('');
      const ps = [...document.querySelectorAll('p')];
      // Boxes 40 px apart down the page, but p550 (placed by the page's CSS, say) at the top.
      let scrolled = 0;
      ps.forEach((p, i) => {
        p.getBoundingClientRect = () => {
          const top = (i === 550 ? 100 : i * 40) - scrolled;
          return { top, bottom: top + 20, left: 0, right: 300, width: 300, height: 20, x: 0, y: top, toJSON: () => ({}) };
        };
      });
      const isNear = (p: Element) => {
        const r = p.getBoundingClientRect();
        return r.bottom >= -2 * H && r.top <= 3 * H;
      };
      const nearFirst = ps.filter(isNear);
      marker = createPageMarker(document, { find: finder(), changeDelayMs: 5 });
      const done = marker.idle();
      // Every block with marks is watched; past 500 marks only those reported near are drawn.
      await vi.waitFor(() => expect(marker!.stats().scanDoneAt).toBeDefined(), { timeout: 10_000 });
      expect(observed.size).toBe(600);
      report(ps);
      // Those reported far (below two screens) are parked: no longer watched.
      expect(observed.size).toBe(nearFirst.length);
      await done;
      const drawn = () => [...(registry.get('backstory-country') ?? [])].map((r) => (r.startContainer.parentElement as Element).id);
      expect(marker.stats()).toMatchObject({ marks: 600, drawn: nearFirst.length, windowed: true, watched: nearFirst.length, parked: 600 - nearFirst.length });
      expect(drawn().sort()).toEqual(nearFirst.map((p) => p.id).sort());
      // Scrolled to the end: the parked blocks now near are watched again, and all are reported.
      scrolled = 599 * 40 - 100;
      Object.defineProperty(window, 'scrollY', { value: scrolled, configurable: true });
      document.dispatchEvent(new Event('scroll'));
      report([...observed]);
      expect(drawn()).toContain('p599');
      expect(drawn()).not.toContain('p0');
      expect(drawn()).not.toContain('p550');
      const nearLast = ps.filter(isNear);
      expect(drawn().sort()).toEqual(nearLast.map((p) => p.id).sort());
      expect(marker.stats().watched).toBe(nearLast.length);
      // A mark not drawn is still found by position (a range made for it).
      expect(marker.firstMentionOf('iraq')?.range.toString()).toBe('Iraq');
    } finally {
      delete (window as Partial<Window & { Highlight: unknown }>).Highlight;
      delete (window as Partial<Window & { IntersectionObserver: unknown }>).IntersectionObserver;
      if (css) Object.defineProperty(window, 'CSS', css);
      else delete (window as { CSS?: unknown }).CSS;
      if (scrollY) Object.defineProperty(window, 'scrollY', scrollY);
    }
  });
});
