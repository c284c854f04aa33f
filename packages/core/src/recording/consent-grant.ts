import { BbError } from '../errors/index.js';

/**
 * Proof that the client accepted the current recording request. Only the consent controller
 * mints one (when the client's `recording-consent` with `accepted: true` arrives for a
 * request it sent) and revokes it as soon as the request ends, so the recorder, which
 * refuses to start without a live grant, cannot run on any other path.
 */
export class ConsentGrant {
  private revoked = false;

  /** Whether the consent still holds: not withdrawn, stopped or lost with the connection. */
  get live(): boolean {
    return !this.revoked && MINTED.has(this);
  }

  revoke(): void {
    this.revoked = true;
  }
}

const MINTED = new WeakSet<ConsentGrant>();

/** Mints a grant. Only the consent controller calls this, when the acceptance arrives. */
export function mintConsentGrant(): ConsentGrant {
  const grant = new ConsentGrant();
  MINTED.add(grant);
  return grant;
}

/** Throws `BB_ERR_RECORDING_CONSENT_REQUIRED` unless `grant` is a live, minted grant. */
export function assertConsent(grant: unknown): asserts grant is ConsentGrant {
  if (!(grant instanceof ConsentGrant) || !grant.live) {
    throw new BbError(
      'BB_ERR_RECORDING_CONSENT_REQUIRED',
      'The recorder starts only after the client accepted the current request',
    );
  }
}
