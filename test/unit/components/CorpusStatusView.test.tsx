// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { CorpusStatusView } from '../../../components/CorpusStatusView';
import type { CorpusStatus } from '../../../lib/corpus/reader';

const info: CorpusStatus['info'] = {
  corpus: { id: 'backstory-default', name: 'Backstory seed corpus', version: 3, created: '2026-11-01T10:00:00.000Z' },
  counts: { documents: 5, passages: 69, entities: 81, mentions: 340 },
};

describe('CorpusStatusView', () => {
  afterEach(cleanup);

  it('names the corpus, its version and size', () => {
    render(<CorpusStatusView status={{ info, storage: 'indexeddb' }} />);
    expect(screen.getByRole('heading').textContent).toBe('Backstory seed corpus');
    const text = screen.getByTestId('corpus-status').textContent ?? '';
    expect(text).toContain('Version 3');
    expect(text).toContain('5 documents');
    expect(text).toContain('81 entities');
    expect(screen.queryByTestId('storage-problem')).toBeNull();
  });

  it('says when the corpus is served from memory, and why', () => {
    const problem = 'The corpus is served from memory because its database could not be used (QuotaExceededError).';
    render(<CorpusStatusView status={{ info, storage: 'memory', problem }} />);
    expect(screen.getByTestId('corpus-status').getAttribute('data-storage')).toBe('memory');
    expect(screen.getByTestId('storage-problem').textContent).toBe(problem);
  });

  it('shows an error when the background cannot answer', () => {
    render(<CorpusStatusView error="The background did not answer getStatus." />);
    expect(screen.getByRole('alert').textContent).toBe('The background did not answer getStatus.');
  });
});
