import type { Settings } from './settings';

/**
 * Where Backstory runs: never on a host in `denySites`; when `allowSites` is not empty, only on
 * hosts in it. A listed host covers its subdomains ("nytimes.com" covers "www.nytimes.com").
 */
export function siteEnabled(settings: Pick<Settings, 'allowSites' | 'denySites'>, host: string): boolean {
  const covered = (list: readonly string[]): boolean => list.some((h) => host === h || host.endsWith(`.${h}`));
  if (covered(settings.denySites)) return false;
  return settings.allowSites.length === 0 || covered(settings.allowSites);
}

/** The site lists after the popup's switch turns Backstory on or off for `host`. */
export function switchSite(settings: Pick<Settings, 'allowSites' | 'denySites'>, host: string, on: boolean): Pick<Settings, 'allowSites' | 'denySites'> {
  const without = (list: readonly string[]): string[] => list.filter((h) => h !== host && !host.endsWith(`.${h}`));
  if (!on) return { allowSites: [...settings.allowSites], denySites: [...without(settings.denySites), host] };
  const allowSites = settings.allowSites.length > 0 && !siteEnabled({ allowSites: settings.allowSites, denySites: [] }, host) ? [...settings.allowSites, host] : [...settings.allowSites];
  return { allowSites, denySites: without(settings.denySites) };
}
