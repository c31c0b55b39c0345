import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROME_BUILD } from '../../cli/browsers';
import { definePart } from '../registry';

/**
 * What the built extension weighs: the content script (loaded on every page a person opens) raw and
 * gzipped, next to the background and the extension pages, from the Chrome build.
 */

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else if (/\.(js|css|html)$/.test(e.name)) out.push(p);
  }
  return out;
}

definePart({
  name: 'size',
  needsBuild: true,
  description: 'bytes of the built extension (Chrome): content script raw and gzipped, background, pages',
  async run() {
    await stat(join(CHROME_BUILD, 'manifest.json')).catch(() => {
      throw new Error(`No built extension in ${CHROME_BUILD}: run npm run build first.`);
    });
    const rows: Record<string, { bytes: number; gzipped: number }> = {};
    for (const f of await files(CHROME_BUILD)) {
      const body = await readFile(f);
      rows[relative(CHROME_BUILD, f)] = { bytes: body.length, gzipped: gzipSync(body, { level: 9 }).length };
    }
    const content = Object.entries(rows).filter(([k]) => k.startsWith('content-scripts/'));
    const sum = (list: [string, { bytes: number; gzipped: number }][]) => list.reduce((a, [, v]) => ({ bytes: a.bytes + v.bytes, gzipped: a.gzipped + v.gzipped }), { bytes: 0, gzipped: 0 });
    const c = sum(content);
    console.log(`content script (js + css, on every page) | ${c.bytes} bytes, ${c.gzipped} gzipped`);
    for (const [k, v] of Object.entries(rows).sort((a, b) => b[1].bytes - a[1].bytes)) console.log(`  ${k.padEnd(44)} ${String(v.bytes).padStart(8)} bytes ${String(v.gzipped).padStart(8)} gzipped`);
    return { contentScript: c, files: rows };
  },
});
