import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** URL path to file, relative to the repository root. Nothing else is served. */
const FILES: Readonly<Record<string, string>> = {
  '/bb-session.bundle.js': 'packages/widget/dist/bb-session.bundle.js',
  '/peerjs.min.js': 'node_modules/peerjs/dist/peerjs.min.js',
  '/session.html': 'test/e2e/pages/session.html',
  '/stock-peerjs.html': 'test/e2e/pages/stock-peerjs.html',
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** The bundle's lazily loaded chunks (recording), by name only: no other path reaches disk. */
function bundleChunk(path: string): string | undefined {
  const match = /^\/bb-session\.bundle-chunks\/([\w-]+\.js)$/.exec(path);
  return match === null ? undefined : `packages/widget/dist/bb-session.bundle-chunks/${match[1]}`;
}

export interface StaticServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the test pages and the built bundles on 127.0.0.1, on a free port. */
export async function startStaticServer(): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const file = FILES[path] ?? bundleChunk(path);
    if (file === undefined) {
      response.writeHead(404).end();
      return;
    }
    readFile(join(ROOT, file)).then(
      (body) => {
        response.writeHead(200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        });
        response.end(body);
      },
      () => response.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
