import type { PageEntity } from '../lib/corpus/views';

/** The entities found on the page, most named first; a click scrolls to the first mention and opens its card. */
export function PageEntities(props: { entities: PageEntity[]; onReveal: (entityId: string) => void }) {
  if (props.entities.length === 0) return <p class="empty" data-testid="entities-empty">No known actor or event on this page.</p>;
  const sorted = [...props.entities].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  return (
    <ul class="entities" data-testid="entities">
      {sorted.map((e) => (
        <li key={e.id} data-entity={e.id}>
          <button type="button" class={`entity type-${e.type}`} onClick={() => props.onReveal(e.id)}>
            <span class="name">{e.name}</span> <span class="type">{e.type.replace('-', ' ')}</span>{' '}
            <span class="count" title="mentions on this page">
              {e.count}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
