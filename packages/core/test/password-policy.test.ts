import { describe, expect, it } from 'vitest';
import { checkPassword, PASSWORD_MIN_CODE_POINTS } from '../src/password/index.js';

const STRONG_15 = 'tulip orbit kx9';
const person = { name: 'Margarethe Olsen-Vance', email: 'm.olsenvance@clinic.example' };

/** Wording that would demand a character class, which the policy never does. */
const COMPOSITION_RULE =
  /\b(must|needs?|should|add|include|contain)\b[^.]*\b(symbol|special|upper ?case|lower ?case|capital|digit|number)/i;

describe('password policy (NIST SP 800-63B rev 4, OWASP ASVS 5.0)', () => {
  const table: [string, string, boolean, string | undefined][] = [
    ['14 code points', 'tulip orbit kx', false, 'too-short'],
    ['15 code points', STRONG_15, true, undefined],
    ['128 code points', 'violet harbour lantern '.repeat(6).slice(0, 125) + 'q7z', true, undefined],
    ['a common password', 'passwordpassword', false, 'common'],
    ['one from the name', 'olsen harbour violet lantern', false, 'personal'],
    ['one from the email', 'olsenvance violet lantern', false, 'personal'],
    ['a pattern', 'aaaaaaaaaaaaaaaaaa', false, 'guessable'],
  ];

  it.each(table)('%s', (_label, password, acceptable, reason) => {
    const verdict = checkPassword(password, person);
    expect(verdict.acceptable).toBe(acceptable);
    expect(verdict.problems.map((problem) => problem.reason)[0]).toBe(reason);
    for (const text of [...verdict.problems.map((p) => p.message), ...verdict.suggestions]) {
      expect(text).not.toMatch(COMPOSITION_RULE);
    }
  });

  it('counts Unicode code points, not UTF-16 units, and never truncates', () => {
    const emoji = '🌷🪐🦉🌊🍋🎻🧭🪁🌵🐚🍄🪴🛶🧩';
    expect(emoji.length).toBe(28);
    expect(checkPassword(emoji).codePoints).toBe(14);
    expect(checkPassword(emoji).problems[0]?.reason).toBe('too-short');
    expect(checkPassword(emoji + '🎈').codePoints).toBe(PASSWORD_MIN_CODE_POINTS);
    const long = 'x'.repeat(300);
    expect(checkPassword(long).codePoints).toBe(300);
    expect(checkPassword(long).problems[0]?.reason).toBe('too-long');
  });

  it('explains a refusal in plain words and suggests something better', () => {
    const verdict = checkPassword('1qaz2wsx3edc4rfv5tgb');
    expect(verdict.acceptable).toBe(false);
    expect(verdict.suggestions.join(' ')).toMatch(/keyboard patterns/i);
    expect(verdict.suggestions.join(' ')).toMatch(/symbols and capitals are not needed/);
  });

  it('checks its arguments', () => {
    expect(() => checkPassword(5 as unknown as string)).toThrow(TypeError);
    expect(() => checkPassword('x', null as unknown as object)).toThrow(/context/);
  });
});
