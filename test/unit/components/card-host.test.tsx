// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { CARD_HOST_TAG, createEntityCards, type EntityCards, LOADING_MS } from '../../../components/card-host';
import type { PassageHit } from '../../../lib/corpus/reader';
import type { Entity } from '../../../lib/corpus/schema';
import { INTENT_MS, PREPARE_MS } from '../../../lib/page/hover';
import type { MentionHit, PageMarker } from '../../../lib/page/marker';

const entity: Entity = {
  id: 'badr-organization',
  name: 'Badr Organization',
  type: 'armed-group',
  description: 'A Shiite armed group and party.',
  aliases: [{ text: 'Badr Organization' }],
};
const passage: PassageHit = {
  passage: { id: 'doc-a#0', documentId: 'doc-a', index: 0, text: 'The Badr Organization fought in Diyala.', length: 6 },
  document: { id: 'doc-a', title: 'A title', publisher: 'The Paper', published: '2015-03-02', sourceFile: 'a.txt' },
  mentions: 1,
};

/** A mention of the entity in a paragraph of the page, as the marker reports it. */
function mentionHit(): MentionHit {
  document.body.innerHTML = '<p>The Badr Organization fought.</p>';
  const text = document.body.querySelector('p')!.firstChild as Text;
  const range = document.createRange();
  range.setStart(text, 4);
  range.setEnd(text, 21);
  const mention = { start: 4, end: 21, entityId: entity.id, type: entity.type };
  return { mention, range, block: { element: document.body.querySelector('p')!, text: text.data, nodes: [text], starts: [0] } as unknown as MentionHit['block'] };
}

const marker = { mentionsIn: () => [mentionHit().mention] } as unknown as PageMarker;
/** The card's state (`data-state`) as drawn now, or null when no card is drawn. */
const cardState = (): string | null =>
  document.querySelector(CARD_HOST_TAG)?.shadowRoot?.querySelector('[data-testid="backstory-card"]')?.getAttribute('data-state') ?? null;
const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

let cards: EntityCards | undefined;
afterEach(() => {
  cards?.destroy();
  cards = undefined;
  document.body.innerHTML = '';
});

function open(passages: () => Promise<PassageHit[]>): void {
  cards = createEntityCards(document, marker, {
    entity: async () => entity,
    passages,
    readerHref: (h) => `reader.html?passage=${h.passage.id}`,
    openReader: () => undefined,
  });
  cards.hover.openNow(mentionHit());
}

describe('createEntityCards', () => {
  it('draws a card whose answers come quickly once, ready, without a loading state first', async () => {
    open(async () => [passage]);
    // Nothing is drawn in the task that opens it: the answers are awaited first.
    expect(cardState()).toBeNull();
    await sleep(0);
    expect(cardState()).toBe('ready');
    expect(document.querySelector(CARD_HOST_TAG)!.shadowRoot!.textContent).toContain('fought in Diyala');
  });

  it('draws a card as loading once its passages take longer than LOADING_MS, then ready', async () => {
    let answer!: (p: PassageHit[]) => void;
    open(() => new Promise((ok) => (answer = ok)));
    await sleep(LOADING_MS / 2);
    expect(cardState()).toBeNull();
    await sleep(LOADING_MS);
    // Loading, with the entity already known.
    expect(cardState()).toBe('loading');
    expect(document.querySelector(CARD_HOST_TAG)!.shadowRoot!.textContent).toContain('Badr Organization');
    answer([passage]);
    await sleep(0);
    expect(cardState()).toBe('ready');
  });

  it('asks for the answers while the pointer rests on a mark, and draws the card from them when it opens', async () => {
    const hit = mentionHit();
    let asked = 0;
    let answer!: (p: PassageHit[]) => void;
    const hovered = { ...marker, mentionAtPoint: () => hit } as unknown as PageMarker;
    cards = createEntityCards(document, hovered, {
      entity: async () => entity,
      passages: () => {
        asked++;
        return new Promise((ok) => (answer = ok));
      },
      readerHref: (h) => `reader.html?passage=${h.passage.id}`,
      openReader: () => undefined,
    });
    document.body.dispatchEvent(new PointerEvent('pointermove', { clientX: 10, clientY: 10, bubbles: true, pointerType: 'mouse' }));
    await sleep(PREPARE_MS + 40); // a frame, then the pointer has rested PREPARE_MS
    expect(asked).toBe(1);
    expect(cardState()).toBeNull(); // asked for, not open
    answer([passage]);
    await sleep(INTENT_MS);
    expect(cardState()).toBe('ready');
    expect(asked).toBe(1);
  });

  it('draws nothing for a card closed before its answers came', async () => {
    let answer!: (p: PassageHit[]) => void;
    open(() => new Promise((ok) => (answer = ok)));
    cards!.hover.destroy();
    answer([passage]);
    await sleep(LOADING_MS + 20);
    expect(cardState()).toBeNull();
  });
});
