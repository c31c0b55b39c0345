import { type EntityType, entityTypes } from '../../lib/corpus/schema';

/** What the marking section edits. */
export interface MarkingChoice {
  markMode: 'first' | 'every';
  disabledTypes: EntityType[];
}

const TYPE_LABELS: Record<EntityType, string> = {
  person: 'People',
  'armed-group': 'Armed groups',
  party: 'Parties',
  institution: 'Institutions',
  country: 'Countries',
  place: 'Places',
  event: 'Events',
};

/** Which mentions get marks: the first of each entity in each paragraph or every one, and by type. */
export function MarkingSection(props: { value: MarkingChoice; onChange: (value: MarkingChoice) => void }) {
  const { value } = props;
  return (
    <section class="options-section marking" aria-labelledby="marking-h">
      <h2 id="marking-h">Marks</h2>
      <fieldset>
        <legend>Mark</legend>
        <label>
          <input type="radio" name="markMode" checked={value.markMode === 'first'} onChange={() => props.onChange({ ...value, markMode: 'first' })} /> the
          first mention of each in a paragraph
        </label>
        <label>
          <input type="radio" name="markMode" checked={value.markMode === 'every'} onChange={() => props.onChange({ ...value, markMode: 'every' })} /> every
          mention
        </label>
      </fieldset>
      <fieldset>
        <legend>Types to mark</legend>
        {entityTypes.map((t) => (
          <label key={t}>
            <input
              type="checkbox"
              name={`type-${t}`}
              checked={!value.disabledTypes.includes(t)}
              onChange={(e) => {
                const on = (e.target as HTMLInputElement).checked;
                const disabledTypes = on ? value.disabledTypes.filter((x) => x !== t) : [...value.disabledTypes, t];
                props.onChange({ ...value, disabledTypes });
              }}
            />{' '}
            {TYPE_LABELS[t]}
          </label>
        ))}
      </fieldset>
    </section>
  );
}
