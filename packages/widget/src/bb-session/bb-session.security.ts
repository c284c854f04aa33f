import type { SecuritySummary } from '@bilateral-base/core';
import { html, type TemplateResult } from 'lit';
import type { BbSessionStrings } from './bb-session.strings.js';

/** What the verification parts of `<bb-session>` render from. */
export interface SecurityView {
  readonly strings: BbSessionStrings;
  /** The six digits both people compare; undefined until the proof passed. */
  readonly safetyCode: string | undefined;
  readonly summary: SecuritySummary | undefined;
}

/** One short line: verified, the DTLS and SRTP ciphers, and frame encryption. */
export function summaryText(strings: BbSessionStrings, summary: SecuritySummary): string {
  const parts = summary.verified ? [strings.summaryVerified] : [];
  if (summary.dtlsCipher !== undefined) {
    parts.push(`DTLS ${summary.dtlsCipher}`);
  }
  if (summary.srtpCipher !== undefined) {
    parts.push(`SRTP ${summary.srtpCipher}`);
  }
  parts.push(strings.summaryFrameEncryption[summary.frameEncryption]);
  return parts.join(' · ');
}

/**
 * The safety code with its one-line explanation, the security summary, and a plain
 * sentence when frame encryption is unavailable. All stay in the document, hidden while
 * empty, so their parts exist and live regions announce.
 */
export function renderSecurity(view: SecurityView): TemplateResult {
  const { strings, safetyCode, summary } = view;
  return html`
    <p part="safety-code" class="safety-code" role="status" ?hidden=${safetyCode === undefined}>
      <span class="safety-code-label">${strings.safetyCodeLabel}</span>
      <strong class="safety-code-digits" data-code=${safetyCode ?? ''}>${safetyCode ?? ''}</strong>
      <span class="safety-code-explanation">${strings.safetyCodeExplanation}</span>
    </p>
    <p
      part="security-summary"
      class="security-summary"
      ?hidden=${summary === undefined}
      data-verified=${summary?.verified === true ? 'true' : 'false'}
      data-frame-encryption=${summary?.frameEncryption ?? ''}
    >
      ${summary === undefined ? '' : summaryText(strings, summary)}
    </p>
    <p
      part="frame-encryption-notice"
      class="frame-encryption-notice"
      role="note"
      ?hidden=${summary?.frameEncryption !== 'unsupported'}
    >
      ${strings.frameEncryptionUnsupported}
    </p>
  `;
}
