import { useState } from 'preact/hooks';
import type { SyncSource, SyncStatus } from '../../lib/sync/sync';
import { SyncLine } from '../CorpusStatusView';

/** What the sync section shows. */
export interface SyncSectionProps {
  source: SyncSource | null;
  builtIn: SyncSource | null;
  intervalMinutes: number;
  status?: SyncStatus;
  /** Saves a source (or null to remove it); resolves to a sentence to show, or rejects with one. */
  onSave: (source: SyncSource | null, intervalMinutes: number) => Promise<string | void>;
  onSyncNow: () => Promise<void>;
}

/** The sync source (manifest URL and publisher key), how often to check, "Sync now" and the last result. */
export function SyncSection(props: SyncSectionProps) {
  const [url, setUrl] = useState(props.source?.manifestUrl ?? '');
  const [key, setKey] = useState(props.source?.publicKey ?? '');
  const [hours, setHours] = useState(String(Math.round((props.intervalMinutes / 60) * 100) / 100));
  const [note, setNote] = useState<{ text: string; error: boolean } | undefined>();
  const [busy, setBusy] = useState(false);

  const act = (fn: () => Promise<string | void>) => async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setNote(undefined);
    try {
      const text = await fn();
      if (text) setNote({ text, error: false });
    } catch (err) {
      setNote({ text: err instanceof Error ? err.message : String(err), error: true });
    } finally {
      setBusy(false);
    }
  };
  const minutes = (): number => Math.round(Number(hours) * 60);

  return (
    <section class="options-section" data-testid="sync-section">
      <h2>Updates</h2>
      <p class="hint">
        A source is a publisher's <code>manifest.json</code> address and its public key. Every update is checked against that key
        before anything is stored.{props.builtIn ? ' This build comes with a source; you can replace or remove it.' : ''}
      </p>
      <form onSubmit={act(() => props.onSave({ manifestUrl: url, publicKey: key }, minutes()))}>
        <label>
          Manifest address
          <input name="manifestUrl" type="url" required value={url} onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://news.example/backstory/manifest.json" />
        </label>
        <label>
          Publisher's public key
          <input name="publicKey" required value={key} onInput={(e) => setKey(e.currentTarget.value)} placeholder="44 characters of base64" spellcheck={false} />
        </label>
        <label>
          Check every
          <input name="intervalHours" type="number" min="0.02" step="any" value={hours} onInput={(e) => setHours(e.currentTarget.value)} /> hours
        </label>
        <div class="buttons">
          <button type="submit" disabled={busy}>
            Save source
          </button>
          {props.source && (
            <button type="button" disabled={busy} onClick={act(() => props.onSave(null, minutes()))}>
              Remove source
            </button>
          )}
          <button type="button" disabled={busy || !props.source} onClick={act(() => props.onSyncNow())} data-testid="sync-now">
            Sync now
          </button>
        </div>
      </form>
      {note && (
        <p class={note.error ? 'problem' : 'note'} role={note.error ? 'alert' : 'status'} data-testid="sync-note">
          {note.text}
        </p>
      )}
      {props.status ? <SyncLine sync={props.status} /> : <p class="hint">{props.source ? 'Not checked yet.' : 'No source: the bundled corpus is in use.'}</p>}
    </section>
  );
}
