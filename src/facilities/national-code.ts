/**
 * A French school's national code, the UAI (unité administrative immatriculée, formerly RNE):
 * seven digits — the first three the département, 030 for the Gard — and a check letter, the
 * seven digits modulo 23 in an alphabet without I, O and Q (0750654D is the lycée
 * Louis-le-Grand). PostgreSQL checks the same rule (`facilities_national_code_uai`).
 */
export const UAI_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';
export const UAI_PATTERN = /^[0-9]{7}[A-Z]$/;

/** The check letter of a UAI's seven digits. */
export function uaiCheckLetter(digits: string): string {
  if (!/^[0-9]{7}$/.test(digits)) throw new RangeError(`A UAI has seven digits, got "${digits}".`);
  return UAI_LETTERS[Number(digits) % 23];
}

/** Whether a code is a well-formed UAI: seven digits and their check letter. */
export function isNationalCode(code: string): boolean {
  return UAI_PATTERN.test(code) && uaiCheckLetter(code.slice(0, 7)) === code[7];
}

/**
 * A plausible UAI for the `index`-th school of a département (`030`, `034`, `044`): the
 * département, a four-digit serial from 1001, the check letter. Deterministic, unique per index.
 */
export function demoNationalCode(department: string, index: number): string {
  if (!/^[0-9]{3}$/.test(department)) throw new RangeError(`A département code has three digits.`);
  if (!Number.isInteger(index) || index < 0 || index > 8998) throw new RangeError('Index out of range.');
  const digits = `${department}${1001 + index}`;
  return digits + uaiCheckLetter(digits);
}
