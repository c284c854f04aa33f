/**
 * Which browser origins may use the server.
 *
 * Browsers always send `Origin` on cross-origin fetches, on every POST and DELETE, and
 * on every WebSocket handshake (Fetch standard, "origin header"; RFC 6455 section
 * 4.1), and a page cannot forge or remove it. A request without `Origin` therefore
 * does not come from a browser page: it is a program such as the practice site's
 * backend, which authenticates with its API key instead. So an absent Origin is
 * allowed and a present one must be listed exactly.
 */
export type OriginVerdict = 'absent' | 'allowed' | 'forbidden';

export class OriginPolicy {
  private readonly allowed: ReadonlySet<string>;

  constructor(allowedOrigins: readonly string[]) {
    this.allowed = new Set(allowedOrigins);
  }

  judge(origin: string | string[] | undefined): OriginVerdict {
    if (origin === undefined) {
      return 'absent';
    }
    if (typeof origin !== 'string') {
      return 'forbidden';
    }
    return this.allowed.has(origin) ? 'allowed' : 'forbidden';
  }
}
