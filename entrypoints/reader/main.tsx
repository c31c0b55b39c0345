import { render } from 'preact';
import { createEntityCards } from '../../components/card-host';
import { ReaderView } from '../../components/ReaderView';
import { readerUrl } from '../../lib/extension/card-command';
import { callBackground } from '../../lib/extension/messages';
import { DEFAULT_SETTINGS, getSettings, watchSettings } from '../../lib/extension/settings';
import { createPageMarker } from '../../lib/page/marker';
import '../content/style.css';
import './style.css';

const app = document.getElementById('app')!;
const params = new URLSearchParams(location.search);
const documentId = params.get('doc') ?? '';
const passageId = params.get('passage') ?? undefined;

async function main(): Promise<void> {
  if (!documentId) throw new Error('No document was named in the address (?doc=…).');
  const [doc, passages, settings] = await Promise.all([
    callBackground('getDocument', { id: documentId }),
    callBackground('getDocumentPassages', { documentId }),
    getSettings().catch(() => DEFAULT_SETTINGS),
  ]);
  if (!doc) throw new Error(`The corpus has no document "${documentId}".`);
  document.title = `${doc.title} · Backstory`;
  render(<ReaderView document={doc} passages={passages} linkedPassage={passageId} />, app);
  const linked = passageId ? document.querySelector(`[data-passage="${CSS.escape(passageId)}"]`) : null;
  linked?.scrollIntoView({ block: 'center', behavior: matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth' });
  // The document's names are marked and carded the same way as on any page.
  const marker = createPageMarker(document, { find: (blocks, named) => callBackground('findMentions', { blocks, named }), settings });
  watchSettings((s) => marker.setSettings(s));
  createEntityCards(document, marker, {
    entity: (id) => callBackground('getEntity', { id }),
    passages: (entityId, context, limit) => callBackground('getPassages', { entityId, limit, context }),
    readerHref: (hit) => readerUrl(hit.document.id, hit.passage.id),
    openReader: (hit) => location.assign(readerUrl(hit.document.id, hit.passage.id)),
  });
}

main().catch((e: unknown) => render(<ReaderView error={e instanceof Error ? e.message : String(e)} />, app));
