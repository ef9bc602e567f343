/** Money is always integer minor units (cents) with its ISO 4217 currency; never floats. */
export interface Money {
  amount: number;
  currency: string;
}

export function money(amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) throw new Error(`Money must be integer minor units, got ${amount}`);
  return { amount, currency };
}

/** Human-readable amount in the tenant's locale, e.g. "3,45 €" (fr-FR) or "3,45 $" (fr-CA). */
export function formatMoney(value: Money, locale: string): string {
  const digits =
    new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return new Intl.NumberFormat(locale, { style: 'currency', currency: value.currency }).format(
    value.amount / 10 ** digits,
  );
}
