// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Popup, type PopupApi } from '../../../components/Popup';
import type { CorpusStatus } from '../../../lib/corpus/reader';
import type { PageSummary, RelatedDocumentView, SearchResults } from '../../../lib/corpus/views';

const status: CorpusStatus = {
  info: {
    corpus: { id: 'backstory-default', name: 'Backstory seed corpus', version: 2, created: '2026-11-01T10:00:00.000Z' },
    counts: { documents: 5, passages: 69, entities: 81, mentions: 340 },
  },
  storage: 'indexeddb',
};

const page: PageSummary = {
  host: 'news.example',
  enabled: true,
  text: 'Haider al-Abadi asked for Russian airstrikes.',
  entities: [
    { id: 'russia', name: 'Russia', type: 'country', count: 1 },
    { id: 'haider-al-abadi', name: 'Haider al-Abadi', type: 'person', count: 3 },
  ],
};

const related: RelatedDocumentView[] = [
  {
    id: 'cole',
    title: 'Shiite militias press for Russian airstrikes',
    publisher: 'Truthdig',
    published: '2015-10',
    score: 12,
    entities: ['Haider al-Abadi', 'Russia'],
    bestPassage: { id: 'cole#0', documentId: 'cole', text: 'Iraqi Prime Minister Haydar al-Abadi is alleged to be under pressure.' },
  },
  {
    id: 'beast',
    title: 'U.S. May Cooperate With Iran-Backed Militias',
    publisher: 'The Daily Beast',
    published: '2015-05',
    score: 5,
    entities: ['Haider al-Abadi'],
    bestPassage: { id: 'beast#9', documentId: 'beast', text: 'In Tikrit, the heavy reliance on Iranian planning.' },
  },
];

const results: SearchResults = {
  entities: [{ id: 'haider-al-abadi', name: 'Haider al-Abadi', type: 'person', matched: 'Abadi', description: 'Prime Minister of Iraq.' }],
  passages: [{ id: 'cole#0', documentId: 'cole', text: 'Iraqi Prime Minister Haydar al-Abadi…', title: 'Shiite militias press', publisher: 'Truthdig' }],
};

function fakeApi(overrides: Partial<PopupApi> = {}): PopupApi {
  return {
    status: vi.fn(async () => status),
    page: vi.fn(async () => page),
    related: vi.fn(async () => related),
    search: vi.fn(async () => results),
    setSiteEnabled: vi.fn(async () => {}),
    reveal: vi.fn(),
    openDocument: vi.fn(),
    openOptions: vi.fn(),
    ...overrides,
  };
}

describe('Popup', () => {
  afterEach(cleanup);

  it('lists the related documents best first, with what they share and their best passage', async () => {
    const api = fakeApi();
    render(<Popup api={api} />);
    const list = await screen.findByTestId('related');
    const items = [...list.querySelectorAll('li')];
    expect(items.map((li) => li.getAttribute('data-document'))).toEqual(['cole', 'beast']);
    expect(items[0]!.textContent).toContain('Shares: Haider al-Abadi, Russia');
    expect(items[0]!.textContent).toContain('Truthdig · 2015-10');
    expect(api.related).toHaveBeenCalledWith(page);
    fireEvent.click(items[0]!.querySelector('a.title')!);
    expect(api.openDocument).toHaveBeenCalledWith('cole', 'cole#0');
  });

  it('shows a timeline of the related documents by date', async () => {
    render(<Popup api={fakeApi()} />);
    const timeline = await screen.findByTestId('timeline');
    expect([...timeline.querySelectorAll('time')].map((t) => t.textContent)).toEqual(['2015-05', '2015-10']);
  });

  it('lists the entities on the page, most named first, and reveals one on click', async () => {
    const api = fakeApi();
    render(<Popup api={api} />);
    const list = await screen.findByTestId('entities');
    expect([...list.querySelectorAll('li')].map((li) => li.getAttribute('data-entity'))).toEqual(['haider-al-abadi', 'russia']);
    fireEvent.click(list.querySelector('[data-entity=haider-al-abadi] button')!);
    expect(api.reveal).toHaveBeenCalledWith('haider-al-abadi');
  });

  it('searches the corpus as you type', async () => {
    const api = fakeApi();
    render(<Popup api={api} />);
    fireEvent.input(screen.getByLabelText('Search the corpus'), { target: { value: 'Abadi' } });
    const found = await screen.findByTestId('search-results');
    expect(api.search).toHaveBeenCalledWith('Abadi');
    expect(found.querySelector('[data-entity=haider-al-abadi]')?.textContent).toContain('Prime Minister of Iraq.');
    fireEvent.click(found.querySelector('[data-passage="cole#0"] a')!);
    expect(api.openDocument).toHaveBeenCalledWith('cole', 'cole#0');
  });

  it('turns Backstory off for the site and says so', async () => {
    const api = fakeApi();
    render(<Popup api={api} />);
    const toggle = await screen.findByRole('switch');
    expect((toggle as HTMLInputElement).checked).toBe(true);
    fireEvent.click(toggle);
    await waitFor(() => expect(api.setSiteEnabled).toHaveBeenCalledWith('news.example', false));
    expect(await screen.findByText('Backstory is off for this site.')).toBeTruthy();
    expect(screen.queryByTestId('related')).toBeNull();
  });

  it('says when Backstory cannot run on the page, and still shows the corpus', async () => {
    render(<Popup api={fakeApi({ page: async () => null })} />);
    expect(await screen.findByText('Backstory does not run on this page.')).toBeTruthy();
    expect((await screen.findByTestId('corpus-status')).textContent).toContain('Backstory seed corpus');
    expect(screen.queryByRole('switch')).toBeNull();
  });

  it('says when no corpus article covers the page', async () => {
    render(<Popup api={fakeApi({ related: async () => [] })} />);
    expect((await screen.findByTestId('related-empty')).textContent).toBe('No corpus article covers what this page is about.');
  });
});
