import { useEffect, useState } from 'preact/hooks';
import type { CorpusStatus } from '../lib/corpus/reader';
import type { PageSummary, RelatedDocumentView, SearchResults } from '../lib/corpus/views';
import { CorpusStatusView } from './CorpusStatusView';
import { PageEntities } from './PageEntities';
import { RelatedDocuments } from './RelatedDocuments';
import { SearchBox } from './SearchBox';
import { SiteSwitch } from './SiteSwitch';
import { Timeline } from './Timeline';

/** What the popup asks of the extension; the entrypoint wires it to messages. */
export interface PopupApi {
  status(): Promise<CorpusStatus>;
  /** The page in the tab, or null where Backstory cannot run (browser pages, the store). */
  page(): Promise<PageSummary | null>;
  related(page: PageSummary): Promise<RelatedDocumentView[]>;
  search(query: string): Promise<SearchResults>;
  setSiteEnabled(host: string, enabled: boolean): Promise<void>;
  reveal(entityId: string): void;
  openDocument(documentId: string, passageId: string): void;
  openOptions(): void;
}

type Loaded<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; error: string };

function useLoad<T>(load: () => Promise<T>, deps: unknown[] = []): Loaded<T> {
  const [v, setV] = useState<Loaded<T>>({ state: 'loading' });
  useEffect(() => {
    let live = true;
    load().then(
      (value) => live && setV({ state: 'ready', value }),
      (e: unknown) => live && setV({ state: 'failed', error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return v;
}

/** The popup: coverage of this page, the entities on it, corpus search, the site switch, corpus status. */
export function Popup({ api }: { api: PopupApi }) {
  const status = useLoad(() => api.status());
  const page = useLoad(() => api.page());
  const summary = page.state === 'ready' ? page.value : null;
  const related = useLoad(() => (summary ? api.related(summary) : Promise.resolve([])), [summary]);
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const siteOn = enabled ?? summary?.enabled ?? true;

  return (
    <main class="popup">
      {summary && (
        <header class="site">
          <SiteSwitch
            host={summary.host}
            enabled={siteOn}
            onChange={(on) => {
              setEnabled(on);
              void api.setSiteEnabled(summary.host, on);
            }}
          />
        </header>
      )}
      <section aria-labelledby="related-h">
        <h2 id="related-h">Coverage of this page</h2>
        {page.state === 'ready' && !summary && <p class="empty">Backstory does not run on this page.</p>}
        {page.state === 'failed' && <p class="empty">{page.error}</p>}
        {summary && !siteOn && <p class="empty">Backstory is off for this site.</p>}
        {summary && siteOn && related.state === 'ready' && (
          <>
            <RelatedDocuments documents={related.value} onOpen={api.openDocument} />
            <Timeline documents={related.value} onOpen={api.openDocument} />
          </>
        )}
      </section>
      {summary && siteOn && (
        <section aria-labelledby="entities-h">
          <h2 id="entities-h">On this page</h2>
          <PageEntities entities={summary.entities} onReveal={api.reveal} />
        </section>
      )}
      <SearchBox search={api.search} onOpen={api.openDocument} />
      <footer>
        {status.state === 'ready' && <CorpusStatusView status={status.value} />}
        {status.state === 'failed' && <CorpusStatusView error={status.error} />}
        <a
          href="#"
          class="options-link"
          onClick={(e) => {
            e.preventDefault();
            api.openOptions();
          }}
        >
          Options
        </a>
      </footer>
    </main>
  );
}
