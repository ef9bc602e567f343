import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Access } from '../../graphql/access';
import { IdField } from '../../graphql/inputs';
import { MoneyType } from '../../graphql/money';
import { Node } from '../../graphql/node';
import { payloadType } from '../../graphql/payload';
import { DateTime, LocalDate } from '../../graphql/scalars';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { idempotencyKeyField } from '../../graphql/inputs';
import { InstalmentStatus } from './payment-plans.service';

registerEnumType(InstalmentStatus, {
  name: 'InstalmentStatus',
  description: 'Where an instalment stands.',
  valuesConfig: {
    PAID: { description: 'Paid in full.' },
    DUE: { description: 'Not (fully) paid, not late yet.' },
    OVERDUE: { description: 'Not (fully) paid past its due date.' },
  },
});

@Access(BILLING_READERS)
@ObjectType('Instalment', { description: 'One monthly share of a payment plan.' })
export class InstalmentType {
  @Field(() => Int, { description: 'Order in the plan, from 1.' })
  position!: number;

  @Field(() => LocalDate, { description: "Due date (tenant's calendar)." })
  dueDate!: string;

  @Field(() => MoneyType, { description: 'Amount due.' })
  amount!: MoneyType;

  @Field(() => MoneyType, { description: 'Paid so far.' })
  paid!: MoneyType;

  @Field(() => InstalmentStatus, { description: 'Paid, due or overdue.' })
  status!: InstalmentStatus;
}

@Access(BILLING_READERS)
@ObjectType('PaymentPlan', {
  implements: Node,
  description:
    'Open invoices spread over monthly instalments (échelonnement). The rounding cents go to the first.',
})
export class PaymentPlanType extends Node {
  @Field(() => DateTime, { description: 'When it was agreed.' })
  createdAt!: Date;
}

@InputType('CreatePaymentPlanInput', { description: 'Spread open invoices over monthly instalments.' })
export class CreatePaymentPlanInput {
  @IdField('Invoice', { nullable: true, description: 'One invoice…' })
  invoiceId?: string | null;

  @IdField('Family', { nullable: true, description: "…or all of a family's open invoices." })
  familyId?: string | null;

  @Field(() => Int, { description: "How many monthly instalments (within the tenant's limits)." })
  instalments!: number;

  @idempotencyKeyField()
  idempotencyKey!: string;
}

export const CreatePaymentPlanPayload = payloadType(
  'CreatePaymentPlanPayload',
  'Result of createPaymentPlan.',
  {
    paymentPlan: { type: () => PaymentPlanType, nullable: true, description: 'The plan.' },
  },
);
