// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EntityCard, excerpt } from '../../../components/EntityCard';
import type { PassageHit } from '../../../lib/corpus/reader';
import type { Entity } from '../../../lib/corpus/schema';

afterEach(cleanup);

const entity: Entity = {
  id: 'badr-organization',
  name: 'Badr Organization',
  type: 'armed-group',
  description: 'A Shiite armed group and party.',
  dates: { start: '1982' },
  aliases: [{ text: 'Badr Organization' }],
};
const hit = (id: string, text: string): PassageHit => ({
  passage: { id, documentId: 'doc-a', index: 0, text, length: 3 },
  document: { id: 'doc-a', title: 'A <b>bold</b> title', publisher: 'The Paper', published: '2015-03-02', sourceFile: 'a.txt' },
  mentions: 1,
});

describe('EntityCard', () => {
  it('shows the name, type, dates, description and each passage with its source, as text', () => {
    const passages = [hit('doc-a#0', 'The Badr Organization <img src=x onerror=alert(1)> fought.'), hit('doc-a#1', 'Badr again.')];
    const { container } = render(<EntityCard entity={entity} passages={passages} readerHref={(h) => `reader.html?passage=${h.passage.id}`} onOpenReader={() => {}} />);
    expect(screen.getByRole('heading').textContent).toBe('Badr Organization');
    expect(container.textContent).toContain('Armed group');
    expect(container.textContent).toContain('1982');
    expect(container.textContent).toContain('A Shiite armed group and party.');
    expect(container.querySelectorAll('li')).toHaveLength(2);
    expect(container.querySelector('img')).toBeNull(); // corpus text is never HTML
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
    const links = screen.getAllByTestId('reader-link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['reader.html?passage=doc-a#0', 'reader.html?passage=doc-a#1']);
    expect(links[0]!.textContent).toBe('A <b>bold</b> title');
    expect(container.textContent).toContain('The Paper · 2015-03-02');
  });

  it('opens the reader through the callback, not by following the link', () => {
    const onOpenReader = vi.fn();
    render(<EntityCard entity={entity} passages={[hit('doc-a#0', 'x')]} readerHref={() => 'reader.html'} onOpenReader={onOpenReader} />);
    const link = screen.getByTestId('reader-link');
    const event = new MouseEvent('click', { bubbles: true, cancelable: true });
    fireEvent(link, event);
    expect(onOpenReader).toHaveBeenCalledWith(expect.objectContaining({ passage: expect.objectContaining({ id: 'doc-a#0' }) }));
    expect(event.defaultPrevented).toBe(true);
  });

  it.each<[string, Parameters<typeof EntityCard>[0]['passages'], string | undefined, string]>([
    ['loading', undefined, undefined, 'Loading passages…'],
    ['no passage', [], undefined, 'The corpus quotes no passage about it.'],
    ['an error', undefined, 'The passages could not be read: gone.', 'The passages could not be read: gone.'],
  ])('says so when there is %s', (_n, passages, error, text) => {
    const { container } = render(<EntityCard entity={entity} passages={passages} error={error} readerHref={() => ''} onOpenReader={() => {}} />);
    expect(container.textContent).toContain(text);
  });
});

describe('excerpt', () => {
  it.each([
    ['short text stays', 'a b c', 10, 'a b c'],
    ['cut at a word', 'alpha beta gamma delta', 12, 'alpha beta…'],
    ['cut mid-word when no space is near', 'abcdefghijklmnop', 8, 'abcdefgh…'],
  ])('%s', (_n, text, max, expected) => {
    expect(excerpt(text, max)).toBe(expected);
  });
});
