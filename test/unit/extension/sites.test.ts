import { describe, expect, it } from 'vitest';
import { siteEnabled, switchSite } from '../../../lib/extension/sites';

describe('siteEnabled', () => {
  it.each([
    [[], [], 'news.example', true],
    [[], ['news.example'], 'news.example', false],
    [[], ['news.example'], 'www.news.example', false],
    [[], ['news.example'], 'othernews.example', true],
    [['nytimes.com'], [], 'www.nytimes.com', true],
    [['nytimes.com'], [], 'news.example', false],
    [['nytimes.com'], ['nytimes.com'], 'nytimes.com', false],
  ])('allow %j deny %j: %s is %s', (allowSites, denySites, host, expected) => {
    expect(siteEnabled({ allowSites, denySites }, host)).toBe(expected);
  });
});

describe('switchSite', () => {
  it('turns a site off and on again, leaving the others', () => {
    const off = switchSite({ allowSites: [], denySites: ['a.example'] }, 'news.example', false);
    expect(off.denySites).toEqual(['a.example', 'news.example']);
    expect(siteEnabled(off, 'news.example')).toBe(false);
    const on = switchSite(off, 'news.example', true);
    expect(on.denySites).toEqual(['a.example']);
    expect(siteEnabled(on, 'news.example')).toBe(true);
  });

  it('turning on a site outside a non-empty allow list adds it there', () => {
    const on = switchSite({ allowSites: ['nytimes.com'], denySites: [] }, 'news.example', true);
    expect(on.allowSites).toEqual(['nytimes.com', 'news.example']);
    expect(siteEnabled(on, 'news.example')).toBe(true);
  });

  it('turning a subdomain on lifts the parent domain from the deny list', () => {
    const on = switchSite({ allowSites: [], denySites: ['news.example'] }, 'www.news.example', true);
    expect(siteEnabled(on, 'www.news.example')).toBe(true);
  });
});
