import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ASSETS } from '../../../cli/sources';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// Each test spawns Node with tsx (about a second, more when several run side by side).
vi.setConfig({ testTimeout: 20_000 });

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as `npm run cli` does, in the project root. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'cli/index.ts', ...args], { cwd: ROOT, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A failure: exit code 1 and one line on stderr. */
function expectOneLineFailure(run: Run): string {
  expect(run.code, run.stderr).toBe(1);
  const message = run.stderr.trim();
  expect(message).toMatch(/^error: .+\.$/);
  expect(message).not.toContain('\n');
  return message;
}

let dir: string;
const path = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backstory-cli-'));
  const keys = await Promise.all([cli('keygen', '--out', path('a.key')), cli('keygen', '--out', path('b.key'))]);
  for (const k of keys) expect(k.code, k.stderr).toBe(0);
  const builds = await Promise.all([
    cli('build', '--key', path('a.key'), '--out', path('signed.bsb')),
    cli('build', '--out', path('unsigned.bsb')),
  ]);
  for (const b of builds) expect(b.code, b.stderr).toBe(0);
  const signed = await readFile(path('signed.bsb'), 'utf8');
  const at = signed.indexOf('"Haider al-Abadi"');
  expect(at).toBeGreaterThan(0);
  await writeFile(path('tampered.bsb'), `${signed.slice(0, at + 1)}h${signed.slice(at + 2)}`);
}, 60_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('keygen and build', () => {
  it('writes a secret key file and a public key file', async () => {
    const secret = JSON.parse(await readFile(path('a.key'), 'utf8')) as { type: string; key: string };
    expect(secret.type).toBe('backstory-ed25519-secret-key');
    expect((await readFile(path('a.key.pub'), 'utf8')).trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('writes a signed bundle with the key and an unsigned one without', async () => {
    const header = (file: string) => readFile(path(file), 'utf8').then((t) => JSON.parse(t.slice(0, t.indexOf('\n'))) as { publicKey: string | null });
    expect((await header('signed.bsb')).publicKey).toBe((await readFile(path('a.key.pub'), 'utf8')).trim());
    expect((await header('unsigned.bsb')).publicKey).toBeNull();
  });

  it('rebuilds unchanged content to the same bytes, and changed content with a new creation time', async () => {
    const created = (t: string) => (JSON.parse(t.slice(t.indexOf('\n') + 1)) as { corpus: { created: string } }).corpus.created;
    await cp(path('signed.bsb'), path('again.bsb'));
    const before = await readFile(path('signed.bsb'), 'utf8');
    const same = await cli('build', '--key', path('a.key'), '--out', path('again.bsb'));
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toContain('up to date');
    expect(await readFile(path('again.bsb'), 'utf8')).toBe(before);
    // Another key signs other bytes: the content is not the same file, so it is built anew.
    const other = await cli('build', '--key', path('b.key'), '--out', path('again.bsb'));
    expect(other.code, other.stderr).toBe(0);
    const rebuilt = await readFile(path('again.bsb'), 'utf8');
    expect(rebuilt).not.toBe(before);
    expect(Date.parse(created(rebuilt))).toBeGreaterThan(Date.parse(created(before)));
  });
});

describe.concurrent('verify', () => {
  it('exits 0 and prints ok for a bundle signed by the given key', async () => {
    const run = await cli('verify', path('signed.bsb'), '--key', path('a.key.pub'));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ok: /);
    expect(run.stdout).toContain('backstory-default version 1');
  });

  it('accepts the public key given inline', async () => {
    const pub = (await readFile(path('a.key.pub'), 'utf8')).trim();
    expect((await cli('verify', path('signed.bsb'), '--key', pub)).code).toBe(0);
  });

  it('exits 1 with one line for a bundle signed by another key', async () => {
    const message = expectOneLineFailure(await cli('verify', path('signed.bsb'), '--key', path('b.key.pub')));
    expect(message).toContain('not a trusted key');
  });

  it('exits 1 for a bundle with one byte changed', async () => {
    const message = expectOneLineFailure(await cli('verify', path('tampered.bsb'), '--key', path('a.key.pub')));
    expect(message).toContain('sha256');
  });

  it('exits 1 for an unsigned bundle', async () => {
    const message = expectOneLineFailure(await cli('verify', path('unsigned.bsb')));
    expect(message).toContain('not signed');
  });

  it('exits 1 for a file that is not there', async () => {
    const message = expectOneLineFailure(await cli('verify', path('missing.bsb')));
    expect(message).toContain('missing.bsb');
  });
});

describe.concurrent('annotate', () => {
  const txt = 'Haider al-Abadi met Lloyd Austin in Baghdad.\nLater, Austin said ISIS was weaker; Asa’ib Ahl al-Haq disagreed.\n';

  it('prints one JSON line per file, with mentions that slice the file text', async () => {
    await writeFile(path('page.txt'), txt);
    await writeFile(path('empty.txt'), 'Nothing to see here.');
    const run = await cli('annotate', path('page.txt'), path('empty.txt'));
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const first = JSON.parse(lines[0]!) as {
      file: string;
      mentions: { start: number; end: number; text: string; entity: { id: string; name: string; type: string } }[];
    };
    expect(Object.keys(first)).toEqual(['file', 'mentions']);
    expect(first.file).toBe(path('page.txt'));
    for (const m of first.mentions) {
      expect(Object.keys(m)).toEqual(['start', 'end', 'text', 'entity']);
      expect(Object.keys(m.entity)).toEqual(['id', 'name', 'type']);
      expect(m.text).toBe(txt.slice(m.start, m.end));
    }
    expect(first.mentions.map((m) => [m.text, m.entity.id])).toEqual([
      ['Haider al-Abadi', 'haider-al-abadi'],
      ['Lloyd Austin', 'lloyd-austin'],
      ['Baghdad', 'baghdad'],
      ['Austin', 'lloyd-austin'],
      ['ISIS', 'islamic-state'],
      ['Asa’ib Ahl al-Haq', 'asaib-ahl-al-haq'],
    ]);
    expect(first.mentions[0]!.entity).toEqual({ id: 'haider-al-abadi', name: 'Haider al-Abadi', type: 'person' });
    expect(JSON.parse(lines[1]!)).toEqual({ file: path('empty.txt'), mentions: [] });
  });

  it('reads the article of an HTML file, a name split by <em> included', async () => {
    const html =
      '<!doctype html><html><head><title>Page</title></head><body><nav>Menu</nav><article>' +
      '<p>Prime Minister Haider al-<em>Abadi</em> met the commanders of the Popular Mobilization Forces in Baghdad on Monday.</p>' +
      '<p>The talks turned to Mosul, where the <a href="#">Islamic State</a> still held ground, officials said.</p>' +
      '</article></body></html>';
    await writeFile(path('page.html'), html);
    const run = await cli('annotate', path('page.html'));
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { mentions: { text: string; entity: { id: string } }[] };
    expect(out.mentions.map((m) => [m.text, m.entity.id])).toEqual([
      ['Haider al-Abadi', 'haider-al-abadi'],
      ['Popular Mobilization Forces', 'popular-mobilization-forces'],
      ['Baghdad', 'baghdad'],
      ['Mosul', 'mosul'],
      ['Islamic State', 'islamic-state'],
    ]);
  });

  it('annotates with the entities of a bundle', async () => {
    await writeFile(path('short.txt'), 'In Tikrit.');
    const run = await cli('annotate', path('short.txt'), '--bundle', path('signed.bsb'));
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ mentions: [{ text: 'Tikrit', entity: { id: 'tikrit' } }] });
  });
});

describe.concurrent('build --assets on a broken corpus', () => {
  /** A copy of assets/ with `breakIt` applied, and the file the error must name. */
  async function brokenCopy(name: string, breakIt: (d: string) => Promise<void>): Promise<string> {
    const d = path(name);
    await cp(DEFAULT_ASSETS, d, { recursive: true });
    await breakIt(d);
    return d;
  }

  it.each<[string, (d: string) => Promise<void>, string, RegExp]>([
    ['documents.json that is not JSON', (d) => writeFile(join(d, 'documents.json'), '{\n  "corpus": ,\n}\n'), 'documents.json', /not valid JSON/],
    ['entities.json that is not JSON', (d) => writeFile(join(d, 'entities.json'), '{"entities": ['), 'entities.json', /not valid JSON/],
    ['a missing document file', (d) => rm(join(d, 'documents', '002_6aa501e77e6fa078.txt')), '002_6aa501e77e6fa078.txt', /Cannot read/],
    ['a missing entities.json', (d) => rm(join(d, 'entities.json')), 'entities.json', /Cannot read/],
    [
      'an entity of an unknown type',
      async (d) => {
        const file = join(d, 'entities.json');
        const catalog = JSON.parse(await readFile(file, 'utf8')) as { entities: { type: string }[] };
        catalog.entities[3]!.type = 'alien';
        await writeFile(file, JSON.stringify(catalog, null, 2));
      },
      'entities.json',
      /invalid at entities\[3\]\.type/,
    ],
    [
      'a document without a title',
      async (d) => {
        const file = join(d, 'documents.json');
        const docs = JSON.parse(await readFile(file, 'utf8')) as { documents: Record<string, unknown>[] };
        delete docs.documents[1]!.title;
        await writeFile(file, JSON.stringify(docs));
      },
      'documents.json',
      /invalid at documents\[1\]\.title/,
    ],
  ])('exits 1 with one line naming the file for %s', async (name, breakIt, file, why) => {
    const d = await brokenCopy(name.replace(/\W+/g, '-'), breakIt);
    const message = expectOneLineFailure(await cli('build', '--assets', d, '--out', path('never.bsb')));
    expect(message).toContain(file);
    expect(message).toMatch(why);
  });
});

describe('usage', () => {
  it('exits 1 for an unknown command', async () => {
    const run = await cli('frobnicate');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('unknown command "frobnicate"');
  });
});
