import { describe, expect, it } from 'vitest';
import { encodeBundle } from '../../../lib/corpus/bundle-file';
import type { BundlePayload } from '../../../lib/corpus/schema';
import { canonicalJson, contentDigest, sortedPayload } from '../../../lib/sync/canonical';
import { applyPatch, diffPayloads, encodePatch, parsePatch } from '../../../lib/sync/patch';
import { fixtureVersion } from './helpers';
import { changeShare, syntheticCorpus } from './synthetic';

describe('canonicalJson', () => {
  it.each<[unknown, string]>([
    [{ b: 1, a: [3, { d: null, c: 'x' }] }, '{"a":[3,{"c":"x","d":null}],"b":1}'],
    [{ a: undefined, b: 'é' }, '{"b":"é"}'],
    [[1, 'two', true], '[1,"two",true]'],
  ])('writes %j as %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text);
  });

  it('refuses numbers JSON cannot hold', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow('no canonical form');
  });
});

describe('contentDigest', () => {
  it('is the same for the same corpus in another order, and differs for any change', async () => {
    const p = fixtureVersion(2);
    const shuffled: BundlePayload = { ...p, passages: [...p.passages].reverse(), mentions: [...p.mentions].reverse(), entities: [...p.entities].reverse() };
    expect(await contentDigest(shuffled)).toBe(await contentDigest(p));
    const changed = fixtureVersion(2);
    changed.mentions[0]!.end += 1;
    expect(await contentDigest(changed)).not.toBe(await contentDigest(p));
  });
});

describe('diffPayloads and applyPatch', () => {
  it.each([
    [1, 2],
    [2, 3],
    [1, 3],
    [3, 1],
  ])('turn version %i into version %i exactly', async (from, to) => {
    const base = fixtureVersion(from);
    const next = fixtureVersion(to);
    const patch = parsePatch(encodePatch(await diffPayloads(base, next)));
    const { payload, changes } = await applyPatch(base, patch);
    expect(sortedPayload(payload)).toEqual(sortedPayload(next));
    expect(changes.info.counts.documents).toBe(next.documents.length);
  });

  it('holds only what changed', async () => {
    const patch = await diffPayloads(fixtureVersion(2), fixtureVersion(3));
    expect(patch.documents).toEqual({ put: [expect.objectContaining({ id: 'old', title: 'Old, retitled' })], remove: [] });
    expect(patch.passages).toEqual({ put: [], remove: [] });
    expect(patch.entities).toEqual({ put: [], remove: [] });
    expect(patch.mentions).toEqual({ put: [], remove: [] });
  });

  it('refuses a base of another version, or other content at that version', async () => {
    const patch = await diffPayloads(fixtureVersion(1), fixtureVersion(2));
    await expect(applyPatch(fixtureVersion(2), patch)).rejects.toThrow('The patch is for fixture version 1, but version 2 of fixture is installed.');
    const drifted = fixtureVersion(1);
    drifted.passages[0]!.length = 9;
    await expect(applyPatch(drifted, patch)).rejects.toThrow('other content than the installed version 1');
  });

  it('refuses a patch whose result is not the content it promises', async () => {
    const patch = await diffPayloads(fixtureVersion(1), fixtureVersion(2));
    patch.passages.put[0]!.text = 'Sadr spoke with Abadi!';
    await expect(applyPatch(fixtureVersion(1), patch)).rejects.toThrow('does not match the digest the patch promises');
  });

  it('refuses a patch that is not a patch', () => {
    expect(() => parsePatch('{')).toThrow('The patch is not valid JSON.');
    expect(() => parsePatch('{"format":"backstory-patch"}')).toThrow(/^The patch is invalid at version/);
  });

  it('costs about as many bytes as the share of documents that changed (1% of a 2,000-document corpus)', async () => {
    const base = syntheticCorpus(2000, 1);
    const next = changeShare(base, 0.01, 2);
    const patchBytes = encodePatch(await diffPayloads(base, next)).length;
    const bundleBytes = (await encodeBundle(next)).length;
    const ratio = patchBytes / bundleBytes;
    expect(ratio).toBeGreaterThan(0.005);
    expect(ratio).toBeLessThan(0.03);
  }, 30_000); // builds and diffs two 2,000-document corpora: seconds on a busy 2-core machine
});
