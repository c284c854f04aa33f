import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

/**
 * The password rules of NIST SP 800-63B rev 4 (section 3.1.1.2) and OWASP ASVS 5.0
 * (V6.2): a minimum length of 15, a maximum well above 64, lengths counted in Unicode
 * code points, no composition rules, no truncation, and a refusal of passwords that
 * are common, breached or built from the user's own details.
 */
export const PASSWORD_MIN_CODE_POINTS = 15;
export const PASSWORD_MAX_CODE_POINTS = 256;

/** Below this zxcvbn score (0 to 4) a password falls to an online or fast offline guess. */
const MIN_SCORE = 3;
/** Parts of a name or email shorter than this are too common to refuse (for example "jo"). */
const MIN_PERSONAL_PART = 3;

export type PasswordProblemReason = 'too-short' | 'too-long' | 'common' | 'personal' | 'guessable';

export interface PasswordProblem {
  readonly reason: PasswordProblemReason;
  /** One plain sentence for the person choosing the password. */
  readonly message: string;
}

/** What the user gave about themselves; a password must not be built from it. */
export interface PasswordContext {
  readonly name?: string | undefined;
  readonly email?: string | undefined;
}

export interface PasswordVerdict {
  readonly acceptable: boolean;
  /** zxcvbn's estimate, 0 (guessed at once) to 4 (very hard to guess). */
  readonly score: 0 | 1 | 2 | 3 | 4;
  readonly codePoints: number;
  /** Empty when `acceptable`. */
  readonly problems: readonly PasswordProblem[];
  /** Plain advice; present whenever the password could be stronger. */
  readonly suggestions: readonly string[];
}

let estimator: ZxcvbnFactory | undefined;
let commonPasswords: ReadonlySet<string> | undefined;

/** Built on first use, so importing the module costs nothing until a password is checked. */
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  return estimator;
}

function isCommon(password: string): boolean {
  commonPasswords ??= new Set(dictionary['passwords-common']);
  return commonPasswords.has(password.toLowerCase());
}

/** Name parts and the email's local part, lowercased, each at least 3 code points. */
export function personalParts(context: PasswordContext): string[] {
  const parts: string[] = [];
  if (context.name !== undefined) {
    parts.push(...context.name.toLowerCase().split(/[\s\p{P}]+/u));
  }
  if (context.email !== undefined) {
    const local = context.email.toLowerCase().split('@')[0] ?? '';
    parts.push(local, ...local.split(/[\p{P}\d]+/u));
  }
  return [...new Set(parts)].filter((part) => [...part].length >= MIN_PERSONAL_PART);
}

const PATTERN_ADVICE: Readonly<Record<string, string>> = {
  dictionary: 'Common words and names on their own are among the first things tried.',
  repeat: 'Repeated characters or words add little: "aaa" or "abcabc" is guessed quickly.',
  sequence: 'Runs such as "abcdef" or "123456" are guessed quickly.',
  spatial: 'Keyboard patterns such as "qwerty" or "asdfgh" are guessed quickly.',
  date: 'Dates and years are guessed quickly.',
  regex: 'Recent years are guessed quickly.',
};

const GENERAL_ADVICE =
  'Try four or five unrelated words, or a sentence only you would think of; ' +
  'symbols and capitals are not needed.';

function adviceFor(result: ZxcvbnResult): string[] {
  const advice = new Set<string>();
  for (const match of result.sequence) {
    const text = PATTERN_ADVICE[match.pattern];
    if (text !== undefined) {
      advice.add(text);
    }
  }
  advice.add(GENERAL_ADVICE);
  return [...advice];
}

/**
 * Checks a password against the policy. The same function runs in the browser as the
 * person types and on the server before anything is hashed.
 *
 * Throws `TypeError` when `password` is not a string or `context` is not an object.
 */
export function checkPassword(password: string, context: PasswordContext = {}): PasswordVerdict {
  if (typeof password !== 'string') {
    throw new TypeError('checkPassword: password must be a string');
  }
  if (typeof context !== 'object' || context === null) {
    throw new TypeError('checkPassword: context must be an object');
  }
  const codePoints = [...password].length;
  const problems: PasswordProblem[] = [];
  if (codePoints < PASSWORD_MIN_CODE_POINTS) {
    problems.push({
      reason: 'too-short',
      message:
        `Use at least ${PASSWORD_MIN_CODE_POINTS} characters; this one has ${codePoints}. ` +
        'Length matters more than anything else.',
    });
  }
  if (codePoints > PASSWORD_MAX_CODE_POINTS) {
    problems.push({
      reason: 'too-long',
      message: `Use at most ${PASSWORD_MAX_CODE_POINTS} characters; this one has ${codePoints}.`,
    });
    return { acceptable: false, score: 0, codePoints, problems, suggestions: [] };
  }
  if (isCommon(password)) {
    problems.push({
      reason: 'common',
      message: 'This password is on a list of common passwords that attackers try first.',
    });
  }
  const lowered = password.toLowerCase();
  const parts = personalParts(context);
  if (parts.some((part) => lowered.includes(part))) {
    problems.push({
      reason: 'personal',
      message: 'Do not build the password from your name or email address.',
    });
  }
  const result = zxcvbn().check(password, parts);
  if (result.score < MIN_SCORE && problems.length === 0) {
    problems.push({
      reason: 'guessable',
      message: 'This password follows a pattern that is easy to guess.',
    });
  }
  const suggestions = result.score < 4 || problems.length > 0 ? adviceFor(result) : [];
  return {
    acceptable: problems.length === 0,
    score: result.score,
    codePoints,
    problems,
    suggestions,
  };
}
