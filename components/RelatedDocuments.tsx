import type { RelatedDocumentView } from '../lib/corpus/views';
import { OpenLink } from './OpenLink';

/** The corpus documents that cover the page, best first; a click opens the reader at the best passage. */
export function RelatedDocuments(props: { documents: RelatedDocumentView[]; onOpen: (documentId: string, passageId: string) => void }) {
  if (props.documents.length === 0) {
    return <p class="empty" data-testid="related-empty">No corpus article covers what this page is about.</p>;
  }
  return (
    <ol class="related" data-testid="related">
      {props.documents.map((d) => (
        <li key={d.id} data-document={d.id}>
          <OpenLink class="title" documentId={d.id} passageId={d.bestPassage.id} onOpen={props.onOpen}>
            {d.title}
          </OpenLink>
          <div class="meta">{[d.publisher, d.published].filter(Boolean).join(' · ')}</div>
          {d.entities.length > 0 && <div class="shared">Shares: {d.entities.join(', ')}</div>}
          <blockquote class="passage">{excerpt(d.bestPassage.text)}</blockquote>
        </li>
      ))}
    </ol>
  );
}

/** A passage cut to about two lines at a word boundary. */
export function excerpt(text: string, max = 220): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max);
  return `${text.slice(0, cut > max / 2 ? cut : max)}…`;
}
