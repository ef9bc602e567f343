import { Field, Int, ObjectType } from 'type-graphql';
import { formatMoney, money } from '../shared/money';
import type { Tenant } from '../tenants/tenant.entity';

@ObjectType('Money', {
  description: 'An amount of money: integer minor units (cents) and an ISO 4217 currency.',
})
export class MoneyType {
  @Field(() => Int, { description: 'Amount in minor units, e.g. 345 for 3.45 €.' })
  amount!: number;

  @Field({ description: 'ISO 4217 currency code, e.g. EUR, CAD.' })
  currency!: string;

  @Field({ description: 'The amount formatted in the tenant\'s locale, e.g. "3,45 €".' })
  formatted!: string;
}

/** Money in the tenant's currency, as the API shows it. */
export function moneyOf(amount: number, tenant: Tenant): MoneyType {
  const value = money(amount, tenant.currency);
  return { ...value, formatted: formatMoney(value, tenant.locale) };
}
