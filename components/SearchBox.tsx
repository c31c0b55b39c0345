import { useEffect, useRef, useState } from 'preact/hooks';
import type { SearchResults } from '../lib/corpus/views';
import { excerpt } from './RelatedDocuments';
import { OpenLink } from './OpenLink';

/** A search box over the whole corpus: entities by name and alias, passages by words, as you type. */
export function SearchBox(props: {
  search: (query: string) => Promise<SearchResults>;
  onOpen: (documentId: string, passageId: string) => void;
  /** Milliseconds of quiet typing before searching. */
  delay?: number;
}) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchResults | null>(null);
  const latest = useRef(0);
  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) {
      setResults(null);
      return;
    }
    const ticket = ++latest.current;
    const timer = setTimeout(() => {
      props.search(q).then(
        (r) => ticket === latest.current && setResults(r),
        () => ticket === latest.current && setResults({ entities: [], passages: [] }),
      );
    }, props.delay ?? 120);
    return () => clearTimeout(timer);
  }, [query]);
  return (
    <section class="search">
      <input
        type="search"
        placeholder="Search the corpus"
        aria-label="Search the corpus"
        value={query}
        onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
      />
      {results && (
        <div data-testid="search-results">
          {results.entities.length === 0 && results.passages.length === 0 && <p class="empty">Nothing in the corpus matches.</p>}
          <ul class="entity-hits">
            {results.entities.map((e) => (
              <li key={e.id} data-entity={e.id}>
                <strong>{e.name}</strong> <span class="type">{e.type.replace('-', ' ')}</span>
                <div class="description">{e.description}</div>
              </li>
            ))}
          </ul>
          <ul class="passage-hits">
            {results.passages.map((p) => (
              <li key={p.id} data-passage={p.id}>
                <OpenLink documentId={p.documentId} passageId={p.id} onOpen={props.onOpen}>
                  {p.title}
                </OpenLink>
                <blockquote>{excerpt(p.text, 160)}</blockquote>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
