import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RECORDING_ENTRY = `${ROOT}packages/core/dist/recording.js`;

/**
 * The recording test page: it loads the built `@bilateral-base/core/recording` entry
 * (bundled with its dependencies, the way an application's bundler would) and a helper
 * that records the fake camera and microphone through MediaRecorder into a store.
 */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>recording</title></head>
<body>
<script type="module">
  import * as recording from '/recording.bundle.js';
  window.bbRecording = recording;
  window.bbReady = true;
</script>
</body></html>`;

export interface RecordingSite {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Bundles dist/recording.js (run `npm run build` first; `npm test` does) into one module
 * with mediabunny inlined, and serves it with the page on 127.0.0.1 on a free port.
 */
export async function startRecordingSite(): Promise<RecordingSite> {
  if (!existsSync(RECORDING_ENTRY)) {
    throw new Error(`${RECORDING_ENTRY} is missing; run \`npm run build\` first`);
  }
  const bundle = await rollup({
    input: RECORDING_ENTRY,
    plugins: [nodeResolve({ browser: true, exportConditions: ['browser', 'module', 'import'] })],
    onwarn: () => undefined,
  });
  const { output } = await bundle.generate({ format: 'es', inlineDynamicImports: true });
  await bundle.close();
  const script = output[0].code;

  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const body =
      path === '/recording.html' ? PAGE : path === '/recording.bundle.js' ? script : undefined;
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    const type = path.endsWith('.html') ? 'text/html' : 'text/javascript';
    response.writeHead(200, {
      'content-type': `${type}; charset=utf-8`,
      'cache-control': 'no-store',
    });
    response.end(body);
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
