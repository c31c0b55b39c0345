import type { CorpusDocument, Passage } from '../lib/corpus/schema';

/** What the reader page shows: a document and its passages, or why it cannot. */
export interface ReaderViewProps {
  document?: CorpusDocument;
  passages?: readonly Passage[];
  /** The passage a card linked to: highlighted (and scrolled into view by the page). */
  linkedPassage?: string;
  error?: string;
}

/** One corpus document, typeset: title, source line, then each passage as a paragraph (as text, never HTML). */
export function ReaderView(props: ReaderViewProps) {
  const { document: doc, passages = [], linkedPassage, error } = props;
  if (!doc) {
    return (
      <p class="problem" role="alert" data-testid="reader-problem">
        {error ?? 'Loading…'}
      </p>
    );
  }
  return (
    <article data-testid="reader" data-document={doc.id}>
      <header>
        <h1>{doc.title}</h1>
        <p class="meta">
          {[doc.publisher, doc.author, doc.published].filter(Boolean).join(' · ')}
          {doc.url && (
            <>
              {' · '}
              <a href={doc.url} rel="noopener noreferrer">
                original
              </a>
            </>
          )}
        </p>
      </header>
      {passages.map((p) => (
        <p key={p.id} id={`passage-${p.index}`} data-passage={p.id} class={p.id === linkedPassage ? 'linked' : undefined} aria-current={p.id === linkedPassage ? 'location' : undefined}>
          {p.text}
        </p>
      ))}
    </article>
  );
}
