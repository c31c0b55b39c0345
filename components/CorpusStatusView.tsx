import type { CorpusStatus } from '../lib/corpus/reader';

/** The corpus line: which corpus, its version and size, and where it is kept if not in the database. */
export function CorpusStatusView(props: { status?: CorpusStatus; error?: string }) {
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
    </section>
  );
}
