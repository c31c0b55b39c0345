import { useState } from 'preact/hooks';

/** The two site lists: where Backstory never runs, and (if any are listed) the only sites where it runs. */
export interface SiteLists {
  allowSites: string[];
  denySites: string[];
}

/** Host names from a textarea: one per line (or comma-separated), URLs reduced to their host, lower case. */
export function parseHosts(text: string): { hosts: string[]; invalid: string[] } {
  const hosts: string[] = [];
  const invalid: string[] = [];
  for (const raw of text.split(/[\n,]+/).map((s) => s.trim()).filter(Boolean)) {
    let host = raw.toLowerCase();
    try {
      if (/^[a-z]+:\/\//.test(host)) host = new URL(host).hostname;
    } catch {
      invalid.push(raw);
      continue;
    }
    host = host.replace(/^\*\./, '').replace(/\/.*$/, '');
    if (/^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(host)) {
      if (!hosts.includes(host)) hosts.push(host);
    } else invalid.push(raw);
  }
  return { hosts, invalid };
}

/** Edits the site lists; a list is saved only when every line in it is a host name. */
export function SitesSection(props: { value: SiteLists; onChange: (value: SiteLists) => void }) {
  const [deny, setDeny] = useState(props.value.denySites.join('\n'));
  const [allow, setAllow] = useState(props.value.allowSites.join('\n'));
  const [error, setError] = useState('');
  const save = (): void => {
    const d = parseHosts(deny);
    const a = parseHosts(allow);
    const bad = [...d.invalid, ...a.invalid];
    if (bad.length) {
      setError(`Not a site: ${bad.join(', ')}.`);
      return;
    }
    setError('');
    props.onChange({ allowSites: a.hosts, denySites: d.hosts });
  };
  return (
    <section class="options-section sites" aria-labelledby="sites-h">
      <h2 id="sites-h">Sites</h2>
      <label>
        Never run on these sites (one per line)
        <textarea name="denySites" rows={4} value={deny} onInput={(e) => setDeny((e.target as HTMLTextAreaElement).value)} />
      </label>
      <label>
        Run only on these sites (leave empty to run everywhere else)
        <textarea name="allowSites" rows={4} value={allow} onInput={(e) => setAllow((e.target as HTMLTextAreaElement).value)} />
      </label>
      <button type="button" onClick={save}>
        Save sites
      </button>
      {error && (
        <p class="problem" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
