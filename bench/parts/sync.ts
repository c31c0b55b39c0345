import * as ed from '@noble/ed25519';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../../cli/browsers';
import { serveDirectory } from '../../cli/serve';
import { encodeBundle, signBundle } from '../../lib/corpus/bundle-file';
import { toBase64 } from '../../lib/corpus/encoding';
import { publish } from '../../lib/sync/publish';
import { changeShare, syntheticCorpus } from '../../test/unit/sync/synthetic';
import { definePart, fmt, summarize, type Timing, TINY } from '../registry';
import type { SyncBench } from '../sync-entry';

/**
 * Sync: what a 1% change costs a reader, and how long a 10,000-document bundle takes to import.
 * A synthetic corpus (test/unit/sync/synthetic.ts: 10,000 documents of five passages) is published
 * as version 1, and version 2 with 1% of its documents removed, rewritten or added, with a patch
 * from 1. The directory is served by the CLI's `serve` on 127.0.0.1; in headless Chromium the
 * extension's own sync and store code (bundled with esbuild) runs against it with real fetch and
 * real IndexedDB. Interleaved rounds of: the floor (the same records put into a plain database in
 * one transaction), the store's import of version 1 followed by a sync to version 2 (the patch);
 * the first round also syncs into an empty database, which fetches the full bundle (its bytes).
 */

const log = (line: string): void => console.log(line);
const mb = (n: number): string => `${fmt(n / 1e6, 2)} MB`;
const kb = (n: number): string => `${fmt(n / 1024, 1)} KB`;
const range = (t: Timing, unit = 'ms', scale = 1): string => `${fmt(t.median / scale, 2)} ${unit} (min ${fmt(t.min / scale, 2)}, max ${fmt(t.max / scale, 2)}, ${t.runs} runs)`;

definePart({
  name: 'sync',
  description: 'bytes fetched for a 1% change (patch vs full bundle), and a 10,000-document bundle imported into real IndexedDB in headless Chromium',
  run: async () => {
    const documents = Number(process.env.BENCH_SYNC_DOCUMENTS ?? (TINY ? 100 : 10_000));
    // Two rounds by default: each imports 10,000 documents twice (the floor, then the store) and
    // syncs a patch, about a minute on this machine; with three the whole bench ran 10 minutes on a slow day.
    const rounds = Number(process.env.BENCH_SYNC_ROUNDS ?? (TINY ? 1 : 2));
    const share = 0.01;

    const t0 = performance.now();
    const { secretKey, publicKey } = await ed.keygenAsync();
    const key = toBase64(publicKey);
    const dir = await mkdtemp(join(tmpdir(), 'backstory-bench-sync-'));
    /** Publishes version 1 of a synthetic corpus of `n` documents and version 2 (a `share` of it changed) into `dir/sub`. */
    const publishPair = async (n: number, sub: string) => {
      const v1 = syntheticCorpus(n, 1);
      const v2 = changeShare(v1, share, 2);
      const file1 = await signBundle(await encodeBundle(v1), secretKey);
      const file2 = await signBundle(await encodeBundle(v2), secretKey);
      const { files, manifest } = await publish({ bundle: file2, earlier: [file1], secretKey, now: new Date() });
      for (const [path, content] of [...files, ['v1.bsb', file1] as [string, string]]) {
        await mkdir(dirname(join(dir, sub, path)), { recursive: true });
        await writeFile(join(dir, sub, path), content);
      }
      return { v1, v2, files, manifest };
    };
    // The warm-up round runs on a small corpus of its own, so that its cost stays small.
    const warmPair = await publishPair(Math.min(documents, 200), 'warm');
    const { v1, v2, files, manifest } = await publishPair(documents, 'main');
    log(
      `corpus: ${v1.documents.length.toLocaleString('en')} documents, ${v1.passages.length.toLocaleString('en')} passages, ${v1.mentions.length.toLocaleString('en')} mentions; ` +
        `version 2 changes ${Math.round(share * 100)}% of the documents (a third removed, a third rewritten, a third added); published in ${fmt((performance.now() - t0) / 1000)} s`,
    );

    const code = await build({ entryPoints: [new URL('../sync-entry.ts', import.meta.url).pathname], bundle: true, format: 'iife', write: false, target: 'es2022' });
    await writeFile(join(dir, 'bench.js'), code.outputFiles[0]!.text);
    await writeFile(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>sync bench</title><script src="bench.js"></script>');
    const server = await serveDirectory(dir);
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.origin}/index.html`);
      type W = { backstorySyncBench: SyncBench };
      // Each call runs in the page (playwright sends the function's source), on the bundle's globalThis entry.
      const bench = {
        load: (url: string, k: string) => page.evaluate(([u, pk]) => (globalThis as unknown as W).backstorySyncBench.load(u, pk), [url, k] as const),
        importInto: (n: string) => page.evaluate((name) => (globalThis as unknown as W).backstorySyncBench.importInto(name), n),
        floorInto: (n: string) => page.evaluate((name) => (globalThis as unknown as W).backstorySyncBench.floorInto(name), n),
        syncInto: (n: string, url: string, k: string) =>
          page.evaluate(([name, u, pk]) => (globalThis as unknown as W).backstorySyncBench.syncInto(name, u, pk), [n, url, k] as const),
        drop: (n: string) => page.evaluate((name) => (globalThis as unknown as W).backstorySyncBench.drop(name), n),
      };
      /**
       * One round on the corpus published under `sub`: the floor, the import of version 1 and the sync
       * by patch on top of it, and (`bundle`) a sync into an empty database, which fetches the full
       * bundle (for its bytes: its time is an import's plus a download). Databases are dropped after.
       */
      const round = async (sub: string, tag: string, counts: { v1: number; v2: number }, bundle: boolean) => {
        const manifestUrl = `${server.origin}/${sub}/manifest.json`;
        const f = await bench.floorInto(`floor-${tag}`);
        await bench.drop(`floor-${tag}`);
        const imported = await bench.importInto(`patch-${tag}`);
        if (imported.info.counts.documents !== counts.v1) throw new Error(`The import holds ${imported.info.counts.documents} documents, not ${counts.v1}.`);
        const viaPatch = await bench.syncInto(`patch-${tag}`, manifestUrl, key);
        await bench.drop(`patch-${tag}`);
        if (viaPatch.status.via !== 'patch' || viaPatch.info?.corpus.version !== 2 || viaPatch.info.counts.documents !== counts.v2) {
          throw new Error(`The sync from version 1 did not patch to version 2: ${viaPatch.status.message}`);
        }
        if (!bundle) return { floor: f.ms, import: imported.ms, patch: viaPatch, bundleBytes: 0 };
        const viaBundle = await bench.syncInto(`full-${tag}`, manifestUrl, key);
        await bench.drop(`full-${tag}`);
        if (viaBundle.status.via !== 'bundle' || viaBundle.info?.counts.documents !== counts.v2) {
          throw new Error(`The sync into an empty database did not install version 2 from the bundle: ${viaBundle.status.message}`);
        }
        return { floor: f.ms, import: imported.ms, patch: viaPatch, bundleBytes: viaBundle.status.bytes };
      };

      const warm = await bench.load(`${server.origin}/warm/v1.bsb`, key);
      const w = await round('warm', 'warm', { v1: warmPair.v1.documents.length, v2: warmPair.v2.documents.length }, true);
      log(`warm-up round (${warm.documents} documents, not counted): import ${fmt(w.import)} ms, sync by patch ${fmt(w.patch.ms)} ms`);

      const loaded = await bench.load(`${server.origin}/main/v1.bsb`, key);
      log(`version 1 fetched, verified and parsed in the page in ${fmt(loaded.ms)} ms`);

      const floor: number[] = [];
      const imports: number[] = [];
      const patchSyncs: number[] = [];
      let patchBytes = 0;
      let fullBytes = 0;
      for (let r = 0; r < rounds; r++) {
        const t = await round('main', String(r), { v1: v1.documents.length, v2: v2.documents.length }, r === 0);
        floor.push(t.floor);
        imports.push(t.import);
        patchSyncs.push(t.patch.ms);
        patchBytes = t.patch.status.bytes;
        fullBytes ||= t.bundleBytes;
        log(`round ${r + 1}/${rounds}: floor ${fmt(t.floor)} ms, import ${fmt(t.import)} ms, sync by patch ${fmt(t.patch.ms)} ms`);
      }

      const patchFile = manifest.patches[0]!;
      const manifestBytes = Buffer.byteLength(files.find(([p]) => p === 'manifest.json')![1]);
      const gzip = (path: string): number => gzipSync(files.find(([p]) => p === path)![1]).byteLength;
      const bytes = {
        manifest: manifestBytes,
        patch: patchFile.length,
        bundle: manifest.bundle.length,
        fetchedByPatchSync: patchBytes,
        fetchedByBundleSync: fullBytes,
        ratio: patchBytes / fullBytes,
        gzip: { patch: gzip(patchFile.url), bundle: gzip(manifest.bundle.url) },
      };
      const timing = { floor: summarize(floor), import: summarize(imports), patchSync: summarize(patchSyncs) };
      log(`bytes fetched for a ${Math.round(share * 100)}% change: ${kb(patchBytes)} by patch (manifest ${kb(manifestBytes)} + patch ${kb(patchFile.length)}) vs ${mb(fullBytes)} by the full bundle: ${fmt(bytes.ratio * 100, 2)}% (${fmt(1 / bytes.ratio)}x fewer)`);
      log(`  gzipped as a CDN would send them: patch ${kb(bytes.gzip.patch)} vs bundle ${mb(bytes.gzip.bundle)}: ${fmt((bytes.gzip.patch / bytes.gzip.bundle) * 100, 2)}%`);
      log(`import of ${v1.documents.length.toLocaleString('en')} documents into IndexedDB (store.importBundle): ${range(timing.import, 's', 1000)}`);
      log(`  floor (same records, one plain transaction, no generations or postings): ${range(timing.floor, 's', 1000)}; import/floor ${fmt(timing.import.median / timing.floor.median, 2)}x`);
      log(`sync to version 2 by patch (fetch, verify, apply, check the result's digest): ${range(timing.patchSync, 's', 1000)}; patch sync/import ${fmt(timing.patchSync.median / timing.import.median, 2)}x`);
      return { chromium: browser.version(), documents: v1.documents.length, passages: v1.passages.length, mentions: v1.mentions.length, share, bytes, timing, loadMs: loaded.ms };
    } finally {
      await browser.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
});
