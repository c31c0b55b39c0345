import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

/**
 * `serve DIR [--port P]`: an ordinary static file server on 127.0.0.1 for testing and demos of a
 * published update directory. Strong ETags (SHA-256 of the file) with If-None-Match → 304, single
 * byte ranges (206/416), HEAD, and CORS headers so an extension without host permission can read it.
 */

const TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.bsb': 'application/octet-stream',
  '.html': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** A running server and how to stop it. */
export interface StaticServer {
  origin: string;
  close: () => Promise<void>;
}

function range(header: string, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // several ranges or another unit: the whole file
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start > end || start >= size ? 'unsatisfiable' : [start, end];
}

async function answer(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.setHeader('access-control-allow-origin', '*');
  res.setHeader('access-control-expose-headers', 'etag, content-length, content-range');
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { 'access-control-allow-headers': 'if-none-match, range', 'access-control-allow-methods': 'GET, HEAD' }).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
  const file = resolve(join(root, path));
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const body = await readFile(file);
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
  const headers = {
    etag,
    'accept-ranges': 'bytes',
    'cache-control': 'no-cache',
    'last-modified': info.mtime.toUTCString(),
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
  };
  const inm = req.headers['if-none-match'];
  if (inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    res.writeHead(304, headers).end();
    return;
  }
  const ifRange = req.headers['if-range'];
  const r = req.headers.range && (!ifRange || ifRange === etag) ? range(req.headers.range, body.byteLength) : undefined;
  if (r === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${body.byteLength}` }).end();
    return;
  }
  const [status, part, extra] = r
    ? [206, body.subarray(r[0], r[1] + 1), { 'content-range': `bytes ${r[0]}-${r[1]}/${body.byteLength}` }]
    : [200, body, {}];
  res.writeHead(status, { ...headers, ...extra, 'content-length': String(part.byteLength) });
  res.end(req.method === 'HEAD' ? undefined : part);
}

/** Serves `dir` on 127.0.0.1 (port 0: any free one); resolves once it listens. */
export async function serveDirectory(dir: string, port = 0): Promise<StaticServer> {
  const root = resolve(dir);
  const server: Server = createServer((req, res) => {
    answer(root, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  return { origin: `http://127.0.0.1:${actual}`, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}
