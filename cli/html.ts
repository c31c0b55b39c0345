import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';

/** An HTML page's article: its title and its text, paragraphs separated by blank lines. */
export interface ExtractedText {
  title: string;
  text: string;
}

const BLOCKS = 'p, h1, h2, h3, h4, h5, h6, li, blockquote, td, th, figcaption, pre, dd, dt';

/**
 * Extracts the article of an HTML page with Mozilla's Readability (the engine of Firefox's Reader
 * View), falling back to the whole body when Readability finds no article.
 */
export function htmlToText(html: string): ExtractedText {
  const { document } = parseHTML(html);
  const title = document.title ?? '';
  let root: ParentNode = document.body ?? document.documentElement;
  try {
    const article = new Readability(document.cloneNode(true) as unknown as Document).parse();
    if (article?.content) {
      const parsed = parseHTML(`<!doctype html><html><body>${article.content}</body></html>`).document;
      root = parsed.body;
    }
  } catch {
    // Readability gives up on some pages; the body text is still worth annotating.
  }
  const blocks = [...root.querySelectorAll(BLOCKS)]
    .filter((el) => !el.querySelector(BLOCKS))
    .map((el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim())
    .filter((t) => t !== '');
  const text = blocks.length ? blocks.join('\n\n') : (root.textContent ?? '').replace(/[ \t]+/g, ' ').trim();
  return { title: title.trim(), text };
}
