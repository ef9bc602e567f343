import { Field, Int, ObjectType } from 'type-graphql';
import { formatMoney, money } from '../shared/money';
import type { Tenant } from '../tenants/tenant.entity';
import { SafeInt } from './scalars';

@ObjectType('Money', {
  description: 'An amount of money: integer minor units (cents) and an ISO 4217 currency.',
})
export class MoneyType {
  @Field(() => Int, {
    description: 'Amount in minor units, e.g. 345 for 3.45 €, as a 32-bit Int.',
    deprecationReason:
      'Use minorUnits: a 32-bit Int cannot hold amounts above 21 474 836,47 (a large run total).',
  })
  amount!: number;

  @Field(() => SafeInt, {
    description: 'Amount in minor units, e.g. 345 for 3.45 €; exact up to 2^53 − 1.',
  })
  minorUnits!: number;

  @Field({ description: 'ISO 4217 currency code, e.g. EUR, CAD.' })
  currency!: string;

  @Field({ description: 'The amount formatted in the tenant\'s locale, e.g. "3,45 €".' })
  formatted!: string;
}

/** Money in the tenant's currency, as the API shows it. */
export function moneyOf(amount: number, tenant: Tenant): MoneyType {
  const value = money(amount, tenant.currency);
  return {
    amount: value.amount,
    minorUnits: value.amount,
    currency: value.currency,
    formatted: formatMoney(value, tenant.locale),
  };
}
