import type { PassageHit } from '../lib/corpus/reader';
import type { Entity, EntityType } from '../lib/corpus/schema';

/** Words for each entity type, as the card shows them. */
const TYPE_LABEL: Record<EntityType, string> = {
  person: 'Person',
  'armed-group': 'Armed group',
  party: 'Party',
  institution: 'Institution',
  country: 'Country',
  place: 'Place',
  event: 'Event',
};

/** Characters of a passage the card quotes before cutting it at a word. */
const QUOTE_CHARS = 320;

/** A passage cut to about `max` characters at a word boundary, with an ellipsis if cut. */
export function excerpt(text: string, max = QUOTE_CHARS): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max);
  return `${text.slice(0, cut > max * 0.6 ? cut : max).trimEnd()}…`;
}

/** What the card shows. `entity` undefined while loading; corpus text is rendered as text, never as HTML. */
export interface EntityCardProps {
  entity?: Entity;
  passages?: readonly PassageHit[];
  error?: string;
  /** The reader page's address for a passage (the link's href). */
  readerHref: (hit: PassageHit) => string;
  /** Opens the reader at a passage (a web page cannot follow a link to an extension page itself). */
  onOpenReader: (hit: PassageHit) => void;
}

/** The hover card: the entity's name, type, dates and description, then the corpus passages about it. */
export function EntityCard(props: EntityCardProps) {
  const { entity, passages, error } = props;
  if (!entity) {
    return (
      <div class="card" role="dialog" aria-label="Backstory" data-testid="backstory-card" data-state={error ? 'error' : 'loading'}>
        <p class="status" role={error ? 'alert' : 'status'}>
          {error ?? 'Loading…'}
        </p>
      </div>
    );
  }
  const dates = entity.dates && [entity.dates.start, entity.dates.end].filter(Boolean).join('–');
  return (
    <div class="card" role="dialog" aria-label={`${entity.name} (Backstory)`} data-testid="backstory-card" data-entity={entity.id} data-state={passages ? 'ready' : 'loading'}>
      <header>
        <h2>{entity.name}</h2>
        <span class={`type type-${entity.type}`}>{TYPE_LABEL[entity.type]}</span>
        {dates && <span class="dates">{dates}</span>}
      </header>
      <p class="description">{entity.description}</p>
      {error && (
        <p class="status" role="alert">
          {error}
        </p>
      )}
      {!passages && !error && <p class="status">Loading passages…</p>}
      {passages && passages.length === 0 && <p class="status">The corpus quotes no passage about it.</p>}
      {passages && passages.length > 0 && (
        <ol>
          {passages.map((hit) => (
            <li key={hit.passage.id} data-passage={hit.passage.id}>
              <blockquote>{excerpt(hit.passage.text)}</blockquote>
              <p class="source">
                <a
                  href={props.readerHref(hit)}
                  data-testid="reader-link"
                  onClick={(e) => {
                    e.preventDefault();
                    props.onOpenReader(hit);
                  }}
                >
                  {hit.document.title}
                </a>
                {hit.document.publisher && <> · {hit.document.publisher}</>}
                {hit.document.published && <> · {hit.document.published}</>}
              </p>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
