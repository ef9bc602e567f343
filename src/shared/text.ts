/**
 * Why a text cannot be stored, or null: PostgreSQL's text refuses NUL, and its JSON (audit
 * details, stored responses) a lone UTF-16 surrogate — neither is a character a person typed.
 */
export function textFlaw(value: string): 'NUL' | 'SURROGATE' | null {
  if (value.includes('\u0000')) return 'NUL';
  if (/\p{Surrogate}/u.test(value)) return 'SURROGATE';
  return null;
}
