#!/usr/bin/env node
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildPayload } from '../lib/corpus/build';
import { checkBundle, encodeBundle, parsePayload, readBundle, signBundle } from '../lib/corpus/bundle-file';
import type { Entity } from '../lib/corpus/schema';
import { compileMatcher } from '../lib/match/compile';
import { findMentions } from '../lib/match/find';
import { demo } from './demo';
import { htmlToText } from './html';
import { readPublicKey, readSecretKey, writeKeyPair } from './keys';
import { publishCommand, syncFileKind, verifySyncFile } from './publish';
import { loadBundle, passages, related } from './ranking';
import { serveDirectory } from './serve';
import { DEFAULT_ASSETS, readCatalog, readCorpusSources } from './sources';

const USAGE = `Backstory corpus command line

  build [--assets DIR] [--out FILE] [--key SECRET_KEY] [--content-version N]
        build a bundle from a corpus directory laid out like assets/ (signed when --key is given)
  keygen --out PATH [--if-missing]
        make an Ed25519 key pair: PATH (secret, keep it out of any repository) and PATH.pub
  sign FILE --key SECRET_KEY [--out FILE]
        sign a bundle (in place unless --out is given)
  verify FILE [--key PUBLIC_KEY] [--base BUNDLE]
        exit 0 only when the bundle's digest and signature hold (and, with --key, it is that key's);
        a manifest.json: its signature, expiry, and the length and digest of each file it names beside it;
        a patch: its schema (and, with --base, that it applies on that bundle)
  publish --bundle FILE --key SECRET_KEY --out DIR [--previous DIR] [--expires DAYS] [--keep N]
        write a signed update directory: manifest.json, the bundle, and patches from the N newest
        earlier versions kept in --previous (default 3; the manifest expires after DAYS, default 14)
  serve DIR [--port P]
        serve a directory on 127.0.0.1 (ETag, Range, CORS) for testing and demos
  annotate FILE... [--bundle FILE | --assets DIR]
        print one JSON line of mentions for each .txt or .html file
  related FILE [--bundle FILE]
        the corpus documents that cover what FILE (.txt or .html) is about, best first (one JSON line)
  passages --entity NAME_OR_ID [--context-file FILE] [--bundle FILE]
        the passages about an entity, best fit to the context first (one JSON line)
  demo [--headless] [--screenshot FILE]
        open Chromium with the built extension on the bundled demo page (npm start builds first)`;

type Flags = Record<string, string | boolean | undefined>;

function opt(flags: Flags, name: string): string | undefined {
  const v = flags[name];
  return typeof v === 'string' ? v : undefined;
}

/** The creation time a bundle file names, or undefined where the text is no readable bundle. */
function createdOf(file: string): Date | undefined {
  try {
    return new Date(parsePayload(file.slice(file.indexOf('\n') + 1)).corpus.created);
  } catch {
    return undefined;
  }
}

async function build(flags: Flags): Promise<void> {
  const dir = opt(flags, 'assets') ?? DEFAULT_ASSETS;
  const sources = await readCorpusSources(dir);
  const versionFlag = opt(flags, 'content-version');
  const version = versionFlag ? Number(versionFlag) : (sources.corpus.version ?? 1);
  if (!Number.isInteger(version) || version < 1) throw new Error(`--content-version must be a whole number from 1, not "${versionFlag}".`);
  const key = opt(flags, 'key');
  const secret = key ? await readSecretKey(key) : undefined;
  const out = opt(flags, 'out') ?? 'backstory.bsb';
  const make = async (created: Date): Promise<string> => {
    const unsigned = await encodeBundle(buildPayload(sources, version, created));
    return secret ? signBundle(unsigned, secret) : unsigned;
  };
  // Rebuilding unchanged content gives the same bytes (signatures are deterministic): the file keeps
  // its creation time, and is not rewritten, so a build and what was published from it agree.
  const earlier = await readFile(out, 'utf8').catch(() => undefined);
  const earlierCreated = earlier === undefined ? undefined : createdOf(earlier);
  if (earlier !== undefined && earlierCreated && (await make(earlierCreated)) === earlier) {
    console.error(`${out} is up to date (same content, created ${earlierCreated.toISOString()})`);
    return;
  }
  const file = await make(new Date());
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, file);
  const p = parsePayload(file.slice(file.indexOf('\n') + 1));
  console.error(
    `built ${out}: ${p.documents.length} documents, ${p.passages.length} passages, ${p.entities.length} entities, ` +
      `${p.mentions.length} mentions, version ${version}${key ? ', signed' : ', unsigned'}`,
  );
}

async function keygen(flags: Flags): Promise<void> {
  const out = opt(flags, 'out');
  if (!out) throw new Error('keygen needs --out PATH.');
  if (flags['if-missing']) {
    const exists = await access(out).then(() => true, () => false);
    if (exists) return;
  }
  const { publicKey } = await writeKeyPair(out);
  console.error(`wrote ${out} (secret: keep it out of any repository) and ${out}.pub (public: ${publicKey})`);
}

async function sign(files: string[], flags: Flags): Promise<void> {
  const [file] = files;
  const key = opt(flags, 'key');
  if (!file || !key) throw new Error('sign needs FILE and --key SECRET_KEY.');
  const signed = await signBundle(await readFile(file, 'utf8'), await readSecretKey(key));
  await writeFile(opt(flags, 'out') ?? file, signed);
}

async function verify(files: string[], flags: Flags): Promise<void> {
  const [file] = files;
  if (!file) throw new Error('verify needs FILE.');
  const key = opt(flags, 'key');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`Cannot read ${file}.`);
  });
  if (syncFileKind(text) !== 'bundle') {
    await verifySyncFile(file, text, { ...(key ? { key } : {}), ...(opt(flags, 'base') ? { base: opt(flags, 'base')! } : {}) });
    return;
  }
  const trustedKeys = key ? [await readPublicKey(key)] : undefined;
  const check = await checkBundle(text, { ...(trustedKeys ? { trustedKeys } : {}) });
  const payload = await readBundle(text, { ...(trustedKeys ? { trustedKeys } : {}) });
  console.log(
    `ok: ${file} holds ${payload.corpus.id} version ${payload.corpus.version}, sha256 ${check.sha256}, signed by ${check.publicKey}` +
      (key ? '' : ' (pass --key to check who signed it)'),
  );
}

async function annotate(files: string[], flags: Flags): Promise<void> {
  if (files.length === 0) throw new Error('annotate needs at least one FILE.');
  const bundle = opt(flags, 'bundle');
  const entities: Entity[] = bundle
    ? (await readBundle(await readFile(bundle, 'utf8'))).entities
    : (await readCatalog(join(opt(flags, 'assets') ?? DEFAULT_ASSETS, 'entities.json'))).entities;
  const matcher = compileMatcher(entities);
  for (const file of files) {
    const raw = await readFile(file, 'utf8').catch(() => {
      throw new Error(`Cannot read ${file}.`);
    });
    const text = /\.html?$/i.test(file) ? htmlToText(raw).text : raw;
    const mentions = findMentions(matcher, text).map((m) => {
      const e = entities[m.entity]!;
      return { start: m.start, end: m.end, text: text.slice(m.start, m.end), entity: { id: e.id, name: e.name, type: e.type } };
    });
    console.log(JSON.stringify({ file, mentions }));
  }
}

/** Runs one CLI command; returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      assets: { type: 'string' },
      out: { type: 'string' },
      key: { type: 'string' },
      bundle: { type: 'string' },
      'content-version': { type: 'string' },
      'if-missing': { type: 'boolean' },
      entity: { type: 'string' },
      'context-file': { type: 'string' },
      headless: { type: 'boolean' },
      screenshot: { type: 'string' },
      previous: { type: 'string' },
      expires: { type: 'string' },
      keep: { type: 'string' },
      port: { type: 'string' },
      base: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const flags = values as Flags;
  switch (command) {
    case 'build':
      await build(flags);
      return 0;
    case 'keygen':
      await keygen(flags);
      return 0;
    case 'sign':
      await sign(positionals, flags);
      return 0;
    case 'verify':
      await verify(positionals, flags);
      return 0;
    case 'annotate':
      await annotate(positionals, flags);
      return 0;
    case 'related': {
      const [file] = positionals;
      if (!file) throw new Error('related needs FILE.');
      console.log(JSON.stringify(await related(await loadBundle(opt(flags, 'bundle')), file)));
      return 0;
    }
    case 'passages': {
      const entity = opt(flags, 'entity');
      if (!entity) throw new Error('passages needs --entity NAME_OR_ID.');
      console.log(JSON.stringify(await passages(await loadBundle(opt(flags, 'bundle')), entity, opt(flags, 'context-file'))));
      return 0;
    }
    case 'publish':
      await publishCommand({ bundle: opt(flags, 'bundle'), key: opt(flags, 'key'), out: opt(flags, 'out'), previous: opt(flags, 'previous'), expires: opt(flags, 'expires'), keep: opt(flags, 'keep') });
      return 0;
    case 'serve': {
      const [dir] = positionals;
      if (!dir) throw new Error('serve needs DIR.');
      const port = Number(opt(flags, 'port') ?? 8080);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not "${opt(flags, 'port')}".`);
      const server = await serveDirectory(dir, port);
      console.error(`serving ${dir} at ${server.origin}/ (Ctrl-C stops)`);
      await new Promise<never>(() => undefined);
      return 0;
    }
    case 'demo': {
      const screenshot = opt(flags, 'screenshot');
      await demo({ ...(flags.headless ? { headless: true } : {}), ...(screenshot ? { screenshot } : {}) });
      return 0;
    }
    case undefined:
    case 'help':
      console.log(USAGE);
      return 0;
    default:
      console.error(`error: unknown command "${command}".\n\n${USAGE}`);
      return 1;
  }
}

if (process.argv[1] && basename(process.argv[1]).startsWith('index')) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
