// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImportSection } from '../../../components/options/ImportSection';
import { OptionsPage } from '../../../components/options/OptionsPage';
import { SyncSection, type SyncSectionProps } from '../../../components/options/SyncSection';
import type { CorpusStatus } from '../../../lib/corpus/reader';
import type { SyncStatus } from '../../../lib/sync/sync';

const KEY = 'jL2IhpcIwcU5ICMdzPTb+d3dLYV7qpLrVry8zTEac9E=';
const SOURCE = { manifestUrl: 'https://news.example/backstory/manifest.json', publicKey: KEY };
const info: CorpusStatus['info'] = {
  corpus: { id: 'backstory-default', name: 'Backstory seed corpus', version: 2, created: '2026-11-01T10:00:00.000Z' },
  counts: { documents: 6, passages: 70, entities: 82, mentions: 341 },
};

/** A promise and the functions that settle it, to hold a callback open while the test looks. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

function syncProps(over: Partial<SyncSectionProps> = {}): SyncSectionProps {
  return {
    source: null,
    builtIn: null,
    intervalMinutes: 1440,
    onSave: vi.fn(async () => 'Saved. Press "Sync now" or wait for the next check.'),
    onSyncNow: vi.fn(async () => undefined),
    ...over,
  };
}

const field = (name: string): HTMLInputElement => document.querySelector(`input[name=${name}]`)!;
const button = (name: string): HTMLButtonElement => screen.getByRole('button', { name }) as HTMLButtonElement;

afterEach(cleanup);

describe('SyncSection', () => {
  it('without a source: empty fields, the bundled corpus named, nothing to sync or remove', () => {
    render(<SyncSection {...syncProps()} />);
    expect(field('manifestUrl').value).toBe('');
    expect(field('publicKey').value).toBe('');
    expect(field('intervalHours').value).toBe('24');
    expect(screen.getByTestId('sync-section').textContent).toContain('No source: the bundled corpus is in use.');
    expect(screen.getByTestId('sync-now').hasAttribute('disabled')).toBe(true);
    expect(screen.queryByRole('button', { name: 'Remove source' })).toBeNull();
    expect(screen.getByTestId('sync-section').textContent).not.toContain('This build comes with a source');
  });

  it('with a source: its fields filled in, the interval in hours, "Sync now" and "Remove source" offered', () => {
    render(<SyncSection {...syncProps({ source: SOURCE, builtIn: SOURCE, intervalMinutes: 90 })} />);
    expect(field('manifestUrl').value).toBe(SOURCE.manifestUrl);
    expect(field('publicKey').value).toBe(KEY);
    expect(field('intervalHours').value).toBe('1.5');
    expect(screen.getByTestId('sync-now').hasAttribute('disabled')).toBe(false);
    expect(button('Remove source')).toBeTruthy();
    expect(screen.getByTestId('sync-section').textContent).toContain('Not checked yet.');
    expect(screen.getByTestId('sync-section').textContent).toContain('This build comes with a source');
  });

  it.each<[string, SyncStatus]>([
    ['an update', { result: 'updated', message: 'Updated to version 2 with a 2 KB patch.', at: '2026-03-01T12:00:00.000Z', source: SOURCE.manifestUrl, bytes: 2100, version: 2, via: 'patch' }],
    ['a refusal', { result: 'refused', message: 'The bundle does not match the digest the manifest names, so it was altered.', at: '2026-03-01T12:00:00.000Z', source: SOURCE.manifestUrl, bytes: 900 }],
  ])('shows the last sync: %s, with its sentence', (_, status) => {
    render(<SyncSection {...syncProps({ source: SOURCE, status })} />);
    const line = screen.getByTestId('sync-status');
    expect(line.getAttribute('data-result')).toBe(status.result);
    expect(line.textContent).toContain(status.message);
    expect(screen.getByTestId('sync-section').textContent).not.toContain('Not checked yet.');
  });

  it('saves the typed source and the interval in minutes, and shows the sentence it gets back', async () => {
    const props = syncProps();
    render(<SyncSection {...props} />);
    fireEvent.input(field('manifestUrl'), { target: { value: 'http://127.0.0.1:8080/manifest.json' } });
    fireEvent.input(field('publicKey'), { target: { value: KEY } });
    fireEvent.input(field('intervalHours'), { target: { value: '2' } });
    fireEvent.click(button('Save source'));
    await waitFor(() => expect(props.onSave).toHaveBeenCalledWith({ manifestUrl: 'http://127.0.0.1:8080/manifest.json', publicKey: KEY }, 120));
    const note = await screen.findByTestId('sync-note');
    expect(note.getAttribute('role')).toBe('status');
    expect(note.textContent).toBe('Saved. Press "Sync now" or wait for the next check.');
  });

  it('shows why a save was refused, as an alert', async () => {
    const props = syncProps({ onSave: vi.fn(async () => Promise.reject(new Error('"nope" is not a web address.'))) });
    render(<SyncSection {...props} />);
    fireEvent.input(field('manifestUrl'), { target: { value: 'nope' } });
    fireEvent.input(field('publicKey'), { target: { value: KEY } });
    fireEvent.submit(field('manifestUrl').form!);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('"nope" is not a web address.');
  });

  it('removes the source with the interval kept', async () => {
    const props = syncProps({ source: SOURCE, intervalMinutes: 180, onSave: vi.fn(async () => 'The source was removed; the corpus in use stays.') });
    render(<SyncSection {...props} />);
    fireEvent.click(button('Remove source'));
    await waitFor(() => expect(props.onSave).toHaveBeenCalledWith(null, 180));
    expect((await screen.findByTestId('sync-note')).textContent).toBe('The source was removed; the corpus in use stays.');
  });

  it('syncs on "Sync now", with the buttons disabled until it is done', async () => {
    const running = deferred<void>();
    const props = syncProps({ source: SOURCE, onSyncNow: vi.fn(() => running.promise) });
    render(<SyncSection {...props} />);
    fireEvent.click(screen.getByTestId('sync-now'));
    await waitFor(() => expect(screen.getByTestId('sync-now').hasAttribute('disabled')).toBe(true));
    expect(props.onSyncNow).toHaveBeenCalledTimes(1);
    expect(button('Save source').disabled).toBe(true);
    expect(button('Remove source').disabled).toBe(true);
    running.resolve();
    await waitFor(() => expect(screen.getByTestId('sync-now').hasAttribute('disabled')).toBe(false));
    expect(screen.queryByTestId('sync-note')).toBeNull();
  });

  it('shows a failed "Sync now" as an alert', async () => {
    render(<SyncSection {...syncProps({ source: SOURCE, onSyncNow: vi.fn(async () => Promise.reject(new Error('The background did not answer syncNow.'))) })} />);
    fireEvent.click(screen.getByTestId('sync-now'));
    expect((await screen.findByRole('alert')).textContent).toBe('The background did not answer syncNow.');
  });
});

/** Picks `text` as the file of the section's file input, as the browser's file dialog would. */
function pickFile(text: string, name = 'corpus.bsb'): HTMLInputElement {
  const input = screen.getByTestId('import-file') as HTMLInputElement;
  Object.defineProperty(input, 'files', { configurable: true, value: [new File([text], name)] });
  fireEvent.change(input);
  return input;
}

describe('ImportSection', () => {
  it('takes .bsb files, and shows nothing before one is picked', () => {
    render(<ImportSection onImport={vi.fn()} />);
    expect(screen.getByTestId('import-file').getAttribute('accept')).toBe('.bsb');
    expect(screen.queryByTestId('import-note')).toBeNull();
  });

  it("passes the picked file's text on and shows the sentence it gets back", async () => {
    const onImport = vi.fn(async (text: string) => `Imported ${text.length} characters.`);
    render(<ImportSection onImport={onImport} />);
    pickFile('header\npayload');
    const note = await screen.findByTestId('import-note');
    expect(onImport).toHaveBeenCalledWith('header\npayload');
    expect(note.getAttribute('role')).toBe('status');
    expect(note.textContent).toBe('Imported 14 characters.');
  });

  it('shows why a file was refused, as an alert', async () => {
    render(<ImportSection onImport={vi.fn(async () => Promise.reject(new Error('The bundle is not signed.')))} />);
    pickFile('unsigned');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The bundle is not signed.');
    expect(alert.getAttribute('data-testid')).toBe('import-note');
  });

  it('does nothing when the dialog was closed without a file', () => {
    const onImport = vi.fn();
    render(<ImportSection onImport={onImport} />);
    const input = screen.getByTestId('import-file') as HTMLInputElement;
    Object.defineProperty(input, 'files', { configurable: true, value: [] });
    fireEvent.change(input);
    expect(onImport).not.toHaveBeenCalled();
  });
});

describe('OptionsPage', () => {
  it('shows the corpus with its last sync, the sync section and the import section', () => {
    const sync: SyncStatus = { result: 'updated', message: 'Updated to version 2 with a 2 KB patch.', at: '2026-03-01T12:00:00.000Z', source: SOURCE.manifestUrl, bytes: 2100 };
    render(<OptionsPage status={{ info, storage: 'indexeddb', sync }} sync={syncProps({ source: SOURCE, status: sync })} onImport={vi.fn()} />);
    expect(screen.getAllByTestId('corpus-status')[0]!.textContent).toContain('Version 2');
    // Once in the corpus summary, once in the sync section.
    expect(screen.getAllByTestId('sync-status').map((e) => e.textContent)).toEqual([expect.stringContaining(sync.message), expect.stringContaining(sync.message)]);
    expect(screen.getByTestId('sync-section')).toBeTruthy();
    expect(screen.getByTestId('import-section')).toBeTruthy();
  });

  it('leaves the sync section out until its settings are known, and shows an error from the background', () => {
    render(<OptionsPage error="The background did not answer getStatus." onImport={vi.fn()} />);
    expect(screen.queryByTestId('sync-section')).toBeNull();
    expect(screen.getByTestId('import-section')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toBe('The background did not answer getStatus.');
  });
});
