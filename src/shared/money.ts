/** Money is always integer minor units (cents) with its ISO 4217 currency; never floats. */
export interface Money {
  amount: number;
  currency: string;
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new Error(`Money must be integer minor units, got ${amount}`);
  return { amount, currency };
}

/** How many decimals a currency's minor units have (2 for EUR and CAD). */
export function currencyDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** Human-readable amount in the tenant's locale, e.g. "3,45 €" (fr-FR) or "3,45 $" (fr-CA). */
export function formatMoney(value: Money, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency }).format(
    value.amount / 10 ** currencyDigits(value.currency),
  );
}

/**
 * Splits an amount into `count` shares that sum to it exactly. The shares are equal but for the
 * rounding remainder, which goes to the FIRST share (the family pays the odd cents first, and every
 * later share is the same round figure). E.g. 100001 in 6 → [16671, 16666 × 5].
 */
export function splitEvenly(amount: number, count: number): number[] {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`Cannot split ${amount}`);
  if (!Number.isInteger(count) || count < 1) throw new Error(`Cannot split into ${count} shares`);
  const base = Math.floor(amount / count);
  const shares = Array.from({ length: count }, () => base);
  shares[0] += amount - base * count;
  return shares;
}
