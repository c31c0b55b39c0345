import { render } from 'preact';
import { Popup, type PopupApi } from '../../components/Popup';
import type { PageSummary, RelatedDocumentView } from '../../lib/corpus/views';
import { callBackground } from '../../lib/extension/messages';
import { getSettings, updateSettings } from '../../lib/extension/settings';
import { switchSite } from '../../lib/extension/sites';
import { callTab, openOptions, targetTabId } from '../../lib/extension/tabs';
import './style.css';

const tabId = targetTabId(location.search);
/** Opened as the toolbar popup (not in a tab with ?tabId=N): it closes once it has sent the reader elsewhere. */
const done = (): void => {
  if (!new URLSearchParams(location.search).has('tabId')) window.close();
};
const inTab = async <T,>(fn: (id: number) => Promise<T>): Promise<T> => {
  const id = await tabId;
  if (id === undefined) throw new Error('Backstory does not run on this page.');
  return fn(id);
};

/** Leaves a performance mark the frame after `p` settles and its view has rendered (the bench reads them). */
const markPainted = <T,>(name: string, p: Promise<T>): Promise<T> => {
  void p.then(
    () => requestAnimationFrame(() => setTimeout(() => performance.mark(name), 0)),
    () => undefined,
  );
  return p;
};

const related = (page: PageSummary): Promise<RelatedDocumentView[]> =>
  callBackground('getRelated', { text: page.text, entityCounts: page.entities.map((e) => [e.id, e.count] as [string, number]) });

// Asked for before the first render, so the answers travel while Preact and the page load.
const statusP = callBackground('getStatus', {});
const pageP = inTab((id) => callTab(id, 'getPageSummary', {})).catch(() => null);
const relatedP = pageP.then((page) => (page?.enabled ? related(page) : []));

const api: PopupApi = {
  status: () => markPainted('backstory-status-painted', statusP),
  page: () => pageP,
  related: (page) => markPainted('backstory-coverage-painted', pageP.then((first) => (first === page ? relatedP : related(page)))),
  search: (query) => callBackground('search', { query }),
  async setSiteEnabled(host, enabled) {
    // The page's content script watches the settings and marks or unmarks itself.
    await updateSettings(switchSite(await getSettings(), host, enabled));
  },
  reveal: (entityId) => {
    void inTab((id) => callTab(id, 'revealEntity', { entityId })).then(done, () => undefined);
  },
  openDocument: (documentId, passageId) => {
    void callBackground('openReader', { documentId, passageId }).then(done);
  },
  openOptions: () => {
    void openOptions().then(done);
  },
};

render(<Popup api={api} />, document.getElementById('app')!);
