// The practice site's own backend: static pages plus two small API routes that hold
// the integrator API key, which must never reach a browser. Those two routes serve the
// quick session of the home page and have no login in front of them (see README); the
// account pages (/register, /login, /clients, /account) call bb-signal's account API directly from
// the browser, so passwords and session cookies never pass through this backend.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HostTicketRequestSchema, RegisterRoomRequestSchema } from '@bilateral-base/core/protocol';

const PUBLIC_DIR = fileURLToPath(new URL('../public/', import.meta.url));
const MAX_BODY_BYTES = 4096;

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const PAGES = {
  '/': 'index.html',
  '/join': 'join.html',
  '/register': 'register.html',
  '/login': 'login.html',
  '/clients': 'clients.html',
  '/account': 'account.html',
};

/**
 * Headers on every response. The session key travels in the URL fragment, which
 * browsers never send; these keep the rest of the page from leaking anything either:
 * no Referer to anyone, nothing cached, and nothing loaded from a third party.
 */
function securityHeaders(signalUrl) {
  const signal = new URL(signalUrl);
  const signalWs = `${signal.protocol === 'https:' ? 'wss:' : 'ws:'}//${signal.host}`;
  return {
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': [
      "default-src 'self'",
      `connect-src 'self' ${signal.origin} ${signalWs}`,
      "media-src 'self' blob: mediastream:",
      // Frame encryption runs in a worker started from a Blob URL (see core's README).
      'worker-src blob:',
      "img-src 'self' data:",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
  };
}

function send(response, status, headers, body) {
  response.writeHead(status, headers);
  response.end(body);
}

function sendJson(response, status, headers, value) {
  send(response, status, { ...headers, 'Content-Type': 'application/json' }, JSON.stringify(value));
}

async function readJson(request) {
  let size = 0;
  const chunks = [];
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      return { error: 'BB_ERR_PAYLOAD_TOO_LARGE' };
    }
    chunks.push(chunk);
  }
  try {
    return { value: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  } catch {
    return { error: 'BB_ERR_BAD_REQUEST' };
  }
}

/** Calls bb-signal with the integrator API key and passes its answer through. */
async function callSignal(signalUrl, apiKey, path, body) {
  const response = await fetch(new URL(path, signalUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, value: await response.json() };
}

/** The two API routes: each validates its body, then asks bb-signal with the API key. */
const API_ROUTES = {
  '/api/links': {
    parse: (value) => RegisterRoomRequestSchema.safeParse(value),
    signalPath: '/v1/rooms',
    expected: 'Expected {roomId, proofHash}',
  },
  '/api/host-ticket': {
    parse: (value) => HostTicketRequestSchema.safeParse({ ...value, role: 'host' }),
    signalPath: '/v1/tickets',
    expected: 'Expected {roomId}',
  },
};

function apiError(code, message) {
  return { error: { code, message } };
}

async function handleApi(request, response, options, headers) {
  const route = API_ROUTES[request.url];
  if (request.method !== 'POST' || route === undefined) {
    return sendJson(response, 404, headers, apiError('BB_ERR_NOT_FOUND', 'No such route'));
  }
  // The practice site's API is same-origin only: refuse cross-site posts.
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== options.siteOrigin) {
    return sendJson(
      response,
      403,
      headers,
      apiError('BB_ERR_ORIGIN_FORBIDDEN', 'Cross-origin request refused'),
    );
  }
  const body = await readJson(request);
  if (body.error) {
    const status = body.error === 'BB_ERR_BAD_REQUEST' ? 400 : 413;
    return sendJson(
      response,
      status,
      headers,
      apiError(body.error, 'The request body was not accepted'),
    );
  }
  const parsed = route.parse(body.value);
  if (!parsed.success) {
    return sendJson(response, 400, headers, apiError('BB_ERR_BAD_REQUEST', route.expected));
  }
  const answer = await callSignal(options.signalUrl, options.apiKey, route.signalPath, parsed.data);
  return sendJson(response, answer.status, headers, answer.value);
}

async function handleStatic(request, response, options, headers) {
  const pathname = new URL(request.url, 'http://site.invalid').pathname;
  const file = PAGES[pathname] ?? normalize(pathname).replace(/^[/\\]+/, '');
  if (file.includes('..') || request.method !== 'GET') {
    return send(response, 404, headers, 'Not found');
  }
  try {
    let content = await readFile(join(PUBLIC_DIR, file));
    if (extname(file) === '.html') {
      content = content.toString('utf8').replaceAll('%SIGNAL_URL%', options.signalUrl);
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    return send(response, 200, { ...headers, 'Content-Type': type }, content);
  } catch {
    return send(response, 404, headers, 'Not found');
  }
}

/**
 * Starts the practice site on `host:port` (port 0 picks a free one).
 * Resolves to `{ url, close() }`.
 */
export async function startPracticeSite({
  host = '127.0.0.1',
  port = 8080,
  signalUrl,
  apiKey,
  siteOrigin,
}) {
  const headers = securityHeaders(signalUrl);
  const options = { signalUrl, apiKey, siteOrigin };
  const server = createServer((request, response) => {
    const handler = request.url?.startsWith('/api/') ? handleApi : handleStatic;
    handler(request, response, options, headers).catch(() => {
      if (!response.headersSent) {
        sendJson(response, 502, headers, {
          error: {
            code: 'BB_ERR_SIGNAL_UNREACHABLE',
            message: 'The signalling server did not answer',
          },
        });
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const url = `http://${host}:${server.address().port}/`;
  options.siteOrigin ??= new URL(url).origin;
  return {
    url,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
