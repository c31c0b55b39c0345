// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MarkingSection } from '../../../components/options/MarkingSection';
import { parseHosts, SitesSection } from '../../../components/options/SitesSection';

afterEach(cleanup);

describe('MarkingSection', () => {
  it('switches between the first mention and every mention', () => {
    const onChange = vi.fn();
    render(<MarkingSection value={{ markMode: 'first', disabledTypes: [] }} onChange={onChange} />);
    fireEvent.click(screen.getByLabelText(/every mention/));
    expect(onChange).toHaveBeenCalledWith({ markMode: 'every', disabledTypes: [] });
  });

  it('turns a type off and on again', () => {
    const onChange = vi.fn();
    const { rerender } = render(<MarkingSection value={{ markMode: 'first', disabledTypes: [] }} onChange={onChange} />);
    const countries = screen.getByLabelText('Countries') as HTMLInputElement;
    expect(countries.checked).toBe(true);
    fireEvent.click(countries);
    expect(onChange).toHaveBeenLastCalledWith({ markMode: 'first', disabledTypes: ['country'] });
    rerender(<MarkingSection value={{ markMode: 'first', disabledTypes: ['country', 'place'] }} onChange={onChange} />);
    expect((screen.getByLabelText('Countries') as HTMLInputElement).checked).toBe(false);
    fireEvent.click(screen.getByLabelText('Countries'));
    expect(onChange).toHaveBeenLastCalledWith({ markMode: 'first', disabledTypes: ['place'] });
  });
});

describe('SitesSection', () => {
  it('saves both lists as host names', () => {
    const onChange = vi.fn();
    render(<SitesSection value={{ allowSites: [], denySites: ['example.com'] }} onChange={onChange} />);
    fireEvent.input(screen.getByLabelText(/Never run/), { target: { value: 'example.com\nhttps://www.Sports.example/scores' } });
    fireEvent.input(screen.getByLabelText(/Run only/), { target: { value: 'news.example, *.reuters.com' } });
    fireEvent.click(screen.getByText('Save sites'));
    expect(onChange).toHaveBeenCalledWith({ denySites: ['example.com', 'www.sports.example'], allowSites: ['news.example', 'reuters.com'] });
  });

  it('refuses a line that is not a site, and saves nothing', () => {
    const onChange = vi.fn();
    render(<SitesSection value={{ allowSites: [], denySites: [] }} onChange={onChange} />);
    fireEvent.input(screen.getByLabelText(/Never run/), { target: { value: 'not a host!' } });
    fireEvent.click(screen.getByText('Save sites'));
    expect(onChange).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toBe('Not a site: not a host!.');
  });
});

describe('parseHosts', () => {
  it.each([
    ['a.example\nb.example', ['a.example', 'b.example'], []],
    ['HTTPS://News.Example/path?q=1', ['news.example'], []],
    ['a.example, a.example', ['a.example'], []],
    ['-bad-.example', [], ['-bad-.example']],
    ['', [], []],
  ])('%j', (text, hosts, invalid) => {
    expect(parseHosts(text)).toEqual({ hosts, invalid });
  });
});
