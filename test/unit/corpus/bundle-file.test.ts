import * as ed from '@noble/ed25519';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ASSETS, readCorpusSources } from '../../../cli/sources';
import { buildPayload } from '../../../lib/corpus/build';
import { BundleError, checkBundle, encodeBundle, parsePayload, readBundle, signBundle } from '../../../lib/corpus/bundle-file';
import { fromBase64, sha256Hex, toBase64 } from '../../../lib/corpus/encoding';
import type { BundlePayload } from '../../../lib/corpus/schema';

/** A small, valid payload: one document, one passage, one entity, one mention. */
function tinyPayload(): BundlePayload {
  return {
    format: 1,
    corpus: { id: 'tiny', name: 'Tiny', version: 2, created: '2026-01-02T03:04:05.000Z' },
    documents: [{ id: 'doc', title: 'A document', sourceFile: 'doc.txt' }],
    passages: [{ id: 'doc#0', documentId: 'doc', index: 0, text: 'Iraq is a country.', length: 2 }],
    entities: [{ id: 'iraq', name: 'Iraq', type: 'country', description: 'A country.', aliases: [{ text: 'Iraq' }] }],
    mentions: [{ entityId: 'iraq', passageId: 'doc#0', start: 0, end: 4 }],
    stats: { passages: 1, averageLength: 2, documentFrequency: { iraq: 1, country: 1 } },
  };
}

/** A payload changed by `edit` and cast back: for schema and reference errors. */
function broken(edit: (p: Record<string, unknown> & BundlePayload) => void): string {
  const p = structuredClone(tinyPayload()) as Record<string, unknown> & BundlePayload;
  edit(p);
  return JSON.stringify(p);
}

/** The error a promise rejects with, or a failure if it resolves. */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

function expectOneSentence(e: Error): void {
  expect(e).toBeInstanceOf(BundleError);
  expect(e.message).toMatch(/\.$/);
  expect(e.message).not.toContain('\n');
}

let secret: Uint8Array;
let publicKey: Uint8Array;
let otherPublic: Uint8Array;
let signedTiny: string;

beforeAll(async () => {
  ({ secretKey: secret, publicKey } = await ed.keygenAsync());
  otherPublic = (await ed.keygenAsync()).publicKey;
  signedTiny = await signBundle(await encodeBundle(tinyPayload()), secret);
});

describe('encode, sign, read', () => {
  it('round-trips a payload', async () => {
    expect(await readBundle(signedTiny, { trustedKeys: [publicKey] })).toEqual(tinyPayload());
    expect(await readBundle(signedTiny)).toEqual(tinyPayload());
  });

  it('writes the header line the format describes', async () => {
    const [header, body] = signedTiny.split('\n') as [string, string];
    expect(Object.keys(JSON.parse(header) as object)).toEqual(['format', 'version', 'sha256', 'publicKey', 'signature']);
    expect(JSON.parse(header)).toMatchObject({ format: 'backstory-bundle', version: 1, publicKey: toBase64(publicKey) });
    expect(body).toBe(JSON.stringify(tinyPayload()));
    const check = await checkBundle(signedTiny);
    expect(check.publicKey).toBe(toBase64(publicKey));
    expect(check.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('signs again with another key, replacing the signature', async () => {
    const other = ed.utils.randomSecretKey();
    const resigned = await signBundle(signedTiny, other);
    expect(await readBundle(resigned, { trustedKeys: [await ed.getPublicKeyAsync(other)] })).toEqual(tinyPayload());
    await expect(readBundle(resigned, { trustedKeys: [publicKey] })).rejects.toThrow(/not a trusted key/);
  });

  it('refuses a bundle signed by a key it does not trust', async () => {
    const e = await rejection(readBundle(signedTiny, { trustedKeys: [otherPublic] }));
    expectOneSentence(e);
    expect(e.message).toMatch(/not a trusted key/);
  });

  it('refuses an unsigned bundle by default, and reads it when told to', async () => {
    const unsigned = await encodeBundle(tinyPayload());
    const e = await rejection(readBundle(unsigned));
    expectOneSentence(e);
    expect(e.message).toBe('The bundle is not signed.');
    expect(await readBundle(unsigned, { requireSignature: false })).toEqual(tinyPayload());
  });

  it('refuses to sign a file whose digest does not hold', async () => {
    await expect(signBundle(`${signedTiny} `, secret)).rejects.toThrow(BundleError);
  });
});

describe('tampering', () => {
  /** Other ASCII characters for the one at `code`: each of its low five bits flipped in turn. */
  const others = (code: number): string[] =>
    [1, 2, 4, 8, 16].map((bit) => code ^ bit).filter((c) => c > 0 && c < 0x80).map((c) => String.fromCharCode(c));

  it('refuses every single-character change of a small signed bundle', async () => {
    expect([...signedTiny].every((c) => c.charCodeAt(0) < 0x80)).toBe(true); // ASCII: a character is a byte
    const accepted: string[] = [];
    let tried = 0;
    for (let i = 0; i < signedTiny.length; i++) {
      for (const ch of others(signedTiny.charCodeAt(i))) {
        const changed = signedTiny.slice(0, i) + ch + signedTiny.slice(i + 1);
        tried++;
        const ok = await checkBundle(changed).then(
          () => true,
          (e: unknown) => {
            expectOneSentence(e as Error);
            return false;
          },
        );
        if (ok) accepted.push(`${i} → ${JSON.stringify(ch)}: …${signedTiny.slice(Math.max(0, i - 12), i + 3)}…`);
      }
    }
    expect(tried).toBeGreaterThan(4 * signedTiny.length);
    expect(accepted).toEqual([]);
  }, 20_000);

  it('refuses every truncation', async () => {
    for (const n of [0, 1, 10, signedTiny.indexOf('\n'), signedTiny.indexOf('\n') + 1, signedTiny.length - 10, signedTiny.length - 1]) {
      const e = await rejection(checkBundle(signedTiny.slice(0, n)));
      expectOneSentence(e);
    }
  });

  it('refuses an extra byte at the end or a second newline', async () => {
    await expect(checkBundle(`${signedTiny}\n`)).rejects.toThrow(/digest/);
    await expect(checkBundle(`${signedTiny}x`)).rejects.toThrow(/digest/);
  });

  it.each<[string, (h: Record<string, unknown>) => void, RegExp]>([
    ['another format', (h) => (h.format = 'other'), /does not say "backstory-bundle"/],
    ['another file version', (h) => (h.version = 2), /file version 2 is not supported/],
    ['no digest', (h) => (h.sha256 = 'abc'), /no valid sha256/],
    ['a signature without a key', (h) => (h.publicKey = null), /signature without a key/],
    ['a key that is not base64', (h) => (h.publicKey = '***'), /not base64/],
    ['a short key', (h) => (h.publicKey = toBase64(new Uint8Array(16))), /wrong length/],
    ['a forged signature', (h) => (h.signature = toBase64(new Uint8Array(64))), /does not verify/],
  ])('refuses a header with %s', async (_, edit, message) => {
    const [line, body] = signedTiny.split('\n') as [string, string];
    const header = JSON.parse(line) as Record<string, unknown>;
    edit(header);
    const e = await rejection(checkBundle(`${JSON.stringify(header)}\n${body}`));
    expectOneSentence(e);
    expect(e.message).toMatch(message);
  });

  it('refuses a header that is not in canonical form', async () => {
    const [line, body] = signedTiny.split('\n') as [string, string];
    const e = await rejection(checkBundle(`${line.replace(':', ': ')}\n${body}`));
    expect(e.message).toMatch(/canonical/);
  });

  it('refuses a file without a header line, or with one that is not JSON', async () => {
    expect((await rejection(checkBundle('no newline'))).message).toMatch(/no header line/);
    expect((await rejection(checkBundle('{oops\n{}'))).message).toMatch(/not JSON/);
  });

  describe('the assets/ bundle', () => {
    let real: string;
    beforeAll(async () => {
      const payload = buildPayload(await readCorpusSources(DEFAULT_ASSETS), 1, new Date());
      real = await signBundle(await encodeBundle(payload), secret);
    });

    it('reads back', async () => {
      const payload = await readBundle(real, { trustedKeys: [publicKey] });
      expect(payload.documents).toHaveLength(5);
    });

    it('is refused after any one character changes', async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat(real.length - 1), fc.integer({ min: 1, max: 0x7f }), async (i, code) => {
          fc.pre(real.charCodeAt(i) !== code);
          const changed = real.slice(0, i) + String.fromCharCode(code) + real.slice(i + 1);
          const e = await rejection(checkBundle(changed, { trustedKeys: [publicKey] }));
          expectOneSentence(e);
        }),
        { numRuns: 200 },
      );
    }, 20_000);
  });
});

describe('payload validation', () => {
  it.each<[string, (p: Record<string, unknown> & BundlePayload) => void, string]>([
    ['a passage text that is a number', (p) => ((p.passages[0] as unknown as Record<string, unknown>).text = 5), 'passages[0].text'],
    ['a bad entity type', (p) => ((p.entities[0] as unknown as Record<string, unknown>).type = 'alien'), 'entities[0].type'],
    ['an extra field', (p) => (p.extra = true), 'its top level'],
    ['a bad corpus id', (p) => (p.corpus.id = 'Not Kebab'), 'corpus.id'],
    ['a negative offset', (p) => ((p.mentions[0] as unknown as Record<string, unknown>).start = -1), 'mentions[0].start'],
    ['another format', (p) => ((p as Record<string, unknown>).format = 2), 'format'],
    ['a bad alias', (p) => ((p.entities[0]!.aliases[0] as unknown as Record<string, unknown>).text = ''), 'entities[0].aliases[0].text'],
  ])('names the path of %s', (_, edit, path) => {
    let error: Error | undefined;
    try {
      parsePayload(broken(edit));
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeDefined();
    expectOneSentence(error!);
    expect(error!.message).toContain(`invalid at ${path}:`);
  });

  it.each<[string, (p: Record<string, unknown> & BundlePayload) => void, RegExp]>([
    ['a mention of an unknown entity', (p) => (p.mentions[0] = { ...p.mentions[0]!, entityId: 'nobody' }), /mentions\[0\]\.entityId: no entity "nobody"/],
    ['a mention in an unknown passage', (p) => (p.mentions[0] = { ...p.mentions[0]!, passageId: 'x#9' }), /mentions\[0\]\.passageId: no passage "x#9"/],
    ['a mention past the passage end', (p) => (p.mentions[0] = { ...p.mentions[0]!, end: 99 }), /mentions\[0\]: its offsets fall outside/],
    ['a mention that ends before it starts', (p) => (p.mentions[0] = { ...p.mentions[0]!, start: 3, end: 3 }), /mentions\[0\]: its offsets/],
    ['a passage of an unknown document', (p) => (p.passages[0] = { ...p.passages[0]!, documentId: 'other' }), /passages\[0\]\.documentId: no document "other"/],
    ['a duplicate entity', (p) => p.entities.push(p.entities[0]!), /entity id "iraq" appears twice/],
    ['a duplicate document', (p) => p.documents.push(p.documents[0]!), /document id "doc" appears twice/],
    ['a duplicate passage', (p) => p.passages.push(p.passages[0]!), /passage id "doc#0" appears twice/],
  ])('refuses %s', (_, edit, message) => {
    expect(() => parsePayload(broken(edit))).toThrow(message);
    try {
      parsePayload(broken(edit));
    } catch (e) {
      expectOneSentence(e as Error);
    }
  });

  it('refuses a payload that is not JSON, in one sentence on one line', async () => {
    for (const body of ['{', '{"a":\n x\n}', '']) {
      let error: Error | undefined;
      try {
        parsePayload(body);
      } catch (e) {
        error = e as Error;
      }
      expect(error).toBeDefined();
      expectOneSentence(error!);
    }
    // the same through readBundle, with a valid digest over the broken body
    const body = '{"format":\n1';
    const file = `{"format":"backstory-bundle","version":1,"sha256":"${await sha256Hex(new TextEncoder().encode(body))}","publicKey":null,"signature":null}\n${body}`;
    const e = await rejection(readBundle(file, { requireSignature: false }));
    expectOneSentence(e);
    expect(e.message).toMatch(/not valid JSON/);
  });
});

describe('base64', () => {
  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        expect(fromBase64(toBase64(bytes))).toEqual(bytes);
      }),
    );
  });

  it.each(['A', 'AB=', 'A===', '****', 'AB==\n', 'AB=A'])('refuses %j', (text) => {
    expect(() => fromBase64(text)).toThrow();
  });

  it('refuses a non-canonical spelling of the same bytes (so a signature has one spelling)', () => {
    expect(() => fromBase64('AB==')).toThrow(); // canonical: "AA=="
    expect(() => fromBase64('AAB=')).toThrow(); // canonical: "AAA="
    expect(fromBase64('AA==')).toEqual(new Uint8Array([0]));
  });
});
