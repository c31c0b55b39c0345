import type { EntityType } from './schema';

/**
 * Plain data the extension's pages show (popup, options, card): what the background sends and the
 * components render. Kept apart from the store's records so a page never depends on how they are kept.
 */

/** An entity found on a page. */
export interface PageEntity {
  id: string;
  name: string;
  type: EntityType;
  /** How many times the page names it. */
  count: number;
}

/** What the content script tells the popup about its page. */
export interface PageSummary {
  host: string;
  /** Whether Backstory is switched on for this site. */
  enabled: boolean;
  entities: PageEntity[];
  /** The page's visible text (capped), for ranking the corpus against it. */
  text: string;
}

/** A corpus passage as a card or list quotes it. */
export interface PassageView {
  id: string;
  documentId: string;
  text: string;
}

/** A corpus document that covers a page, with why and where to start reading. */
export interface RelatedDocumentView {
  id: string;
  title: string;
  publisher?: string;
  published?: string;
  score: number;
  /** Names of the entities it shares with the page, most telling first. */
  entities: string[];
  bestPassage: PassageView;
}

/** What the popup's search box finds. */
export interface SearchResults {
  entities: { id: string; name: string; type: EntityType; matched: string; description: string }[];
  passages: (PassageView & { title: string; publisher?: string; published?: string })[];
}
