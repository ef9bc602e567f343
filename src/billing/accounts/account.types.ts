import { Field, ObjectType } from 'type-graphql';
import { ListLength } from '../../graphql/cost';
import { Access } from '../../graphql/access';
import { MoneyType } from '../../graphql/money';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { InvoiceType } from '../invoices/invoice.types';

@Access(BILLING_READERS)
@ObjectType('FamilyAccount', {
  description: "A family's account, derived from the ledger (charges, invoices, credit notes, payments).",
})
export class FamilyAccountType {
  @Field(() => MoneyType, {
    description: 'Owed (positive) or in credit (negative): invoiced − credited − paid.',
  })
  balance!: MoneyType;

  @Field(() => MoneyType, { description: 'Money received or credited not yet on any invoice.' })
  credit!: MoneyType;

  @Field(() => MoneyType, { description: 'Left to pay on open invoices.' })
  due!: MoneyType;

  @Field(() => MoneyType, {
    description: 'Of what is due, what is late (invoices off a plan, late instalments).',
  })
  overdue!: MoneyType;

  @Field(() => MoneyType, { description: 'Charges not invoiced yet (e.g. while billing is suspended).' })
  unbilled!: MoneyType;

  @Field(() => MoneyType, { description: 'Total invoiced.' })
  invoiced!: MoneyType;

  @Field(() => MoneyType, { description: 'Total of credit notes.' })
  credited!: MoneyType;

  @Field(() => MoneyType, { description: 'Total paid (deposits included), less what was refunded.' })
  paid!: MoneyType;

  @ListLength(5)
  @Field(() => [InvoiceType], { description: 'Invoices with something left to pay, oldest first.' })
  openInvoices!: unknown[];
}
