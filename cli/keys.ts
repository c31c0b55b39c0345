import * as ed from '@noble/ed25519';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fromBase64, toBase64 } from '../lib/corpus/encoding';

/**
 * Key files: PATH holds the Ed25519 secret key (JSON, mode 600), PATH.pub the public key (base64).
 * The secret key never belongs in the repository: .keys/ is ignored by git.
 */
export async function writeKeyPair(path: string): Promise<{ publicKey: string }> {
  const { secretKey, publicKey } = await ed.keygenAsync();
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify({ type: 'backstory-ed25519-secret-key', key: toBase64(secretKey) })}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  const pub = toBase64(publicKey);
  await writeFile(`${path}.pub`, `${pub}\n`);
  return { publicKey: pub };
}

/** Reads a secret key file written by `keygen`. */
export async function readSecretKey(path: string): Promise<Uint8Array> {
  let parsed: { type?: string; key?: string };
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new Error(`Cannot read a secret key from ${path}.`);
  }
  if (parsed.type !== 'backstory-ed25519-secret-key' || typeof parsed.key !== 'string') {
    throw new Error(`${path} is not a Backstory secret key (make one with keygen).`);
  }
  const key = fromBase64(parsed.key);
  if (key.length !== 32) throw new Error(`${path} holds a key of the wrong length.`);
  return key;
}

/** Reads a public key given as base64 or as the path of a .pub file. */
export async function readPublicKey(keyOrPath: string): Promise<Uint8Array> {
  let text = keyOrPath.trim();
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) {
    try {
      text = (await readFile(keyOrPath, 'utf8')).trim();
    } catch {
      throw new Error(`${keyOrPath} is neither a base64 public key nor a readable key file.`);
    }
  }
  let key: Uint8Array;
  try {
    key = fromBase64(text);
  } catch {
    throw new Error(`${keyOrPath} does not hold a base64 public key.`);
  }
  if (key.length !== 32) throw new Error(`${keyOrPath} does not hold a 32-byte Ed25519 public key.`);
  return key;
}
