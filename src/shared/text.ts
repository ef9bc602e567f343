/**
 * Why a text cannot be stored, or null: PostgreSQL's text refuses NUL, and its JSON (audit
 * details, stored responses) a lone UTF-16 surrogate — neither is a character a person typed.
 */
export function textFlaw(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (/\p{Surrogate}/u.test(value)) return 'is not well-formed Unicode (a lone surrogate)';
  return null;
}
