import type { RelatedDocumentView } from '../lib/corpus/views';
import { OpenLink } from './OpenLink';

/** The related documents on a line by date, oldest first; shown only when at least two are dated. */
export function Timeline(props: { documents: RelatedDocumentView[]; onOpen: (documentId: string, passageId: string) => void }) {
  const dated = props.documents.filter((d) => d.published).sort((a, b) => a.published!.localeCompare(b.published!));
  if (dated.length < 2) return null;
  return (
    <ol class="timeline" data-testid="timeline" aria-label="Coverage by date">
      {dated.map((d) => (
        <li key={d.id}>
          <time dateTime={d.published}>{d.published}</time>{' '}
          <OpenLink documentId={d.id} passageId={d.bestPassage.id} onOpen={props.onOpen}>
            {d.title}
          </OpenLink>
        </li>
      ))}
    </ol>
  );
}
