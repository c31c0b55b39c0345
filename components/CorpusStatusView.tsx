import type { CorpusStatus } from '../lib/corpus/reader';
import type { SyncStatus } from '../lib/sync/sync';

/** The corpus line: which corpus, its version and size, and where it is kept if not in the database. */
export function CorpusStatusView(props: { status?: CorpusStatus & { sync?: SyncStatus }; error?: string }) {
  const { status, error } = props;
  if (!status) {
    return (
      <section class="corpus" data-testid="corpus-status">
        <p class="problem" role="alert">{error ?? 'Loading…'}</p>
      </section>
    );
  }
  const { corpus, counts } = status.info;
  return (
    <section class="corpus" data-testid="corpus-status" data-storage={status.storage}>
      <h1>{corpus.name}</h1>
      <p class="counts">
        Version {corpus.version} · {new Date(corpus.created).toLocaleDateString()} · {counts.documents} documents ·{' '}
        {counts.passages} passages · {counts.entities} entities
      </p>
      {status.problem && (
        <p class="problem" role="status" data-testid="storage-problem">
          {status.problem}
        </p>
      )}
      {status.sync && <SyncLine sync={status.sync} />}
    </section>
  );
}

/** When the last sync ran and what it got, or why it refused (one sentence from the background). */
export function SyncLine(props: { sync: SyncStatus }) {
  const { sync } = props;
  const when = new Date(sync.at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <p class={`sync sync-${sync.result}`} role="status" data-testid="sync-status" data-result={sync.result}>
      Last sync {when}: {sync.message}
    </p>
  );
}
