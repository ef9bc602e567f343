import { Field, Int, ObjectType } from 'type-graphql';
import { Access } from '../../graphql/access';
import { MoneyType } from '../../graphql/money';
import { LocalDate } from '../../graphql/scalars';
import { BILLING_READERS } from '../../reservations/reservation.types';

@Access(BILLING_READERS)
@ObjectType('CertificatePayment', {
  description: 'A payment (or a credit note applied) as a certificate lists it.',
})
export class CertificatePaymentType {
  @Field(() => LocalDate, {
    description: 'The day it was paid: the payment received (tenant-local), or the credit note issued.',
  })
  paidOn!: string;

  @Field({ description: 'How: CARD, DIRECT_DEBIT, CASH, CHEQUE, or CREDIT_NOTE for a credit note applied.' })
  method!: string;

  @Field(() => String, { nullable: true, description: "The payment's reference (cheque number, terminal…)." })
  reference?: string | null;

  @Field({
    description:
      'Childcare certificates: the invoice it paid. Payment certificates: the credit note applied, or the invoice itself for a payment.',
  })
  documentNumber!: string;

  @Field(() => MoneyType, {
    description:
      'Childcare certificates: the childcare share of the payment on that invoice (pro rata of what the invoice billed, rounded down to the cent). Payment certificates: the amount applied to the invoice.',
  })
  amount!: MoneyType;
}

@Access(BILLING_READERS)
@ObjectType('ChildcareCertificate', {
  description:
    "A child's yearly childcare certificate (France: attestation de frais de garde; Québec: relevé 24 figures): what the household paid in the year for the child's childcare — nursery, childcare place, after-school care, leisure centre; never meals or water. Payments count in the year they were received, through their allocations to invoices, each shared pro rata over what the invoice billed; credit notes, and deposits not applied yet, are not payments. In the tenant's currency; the PDF in its language.",
})
export class ChildcareCertificateType {
  @Field(() => Int, { description: 'The tax year.' })
  year!: number;

  @Field(() => Int, {
    description:
      'The child must be under this age on 1 January of the year for the tax credit (6 in France, 16 in Québec).',
  })
  ageLimit!: number;

  @Field({
    description:
      'Whether the child is under ageLimit on 1 January of the year (born on or after 1 January of year − ageLimit).',
  })
  eligible!: boolean;
}

@Access(BILLING_READERS)
@ObjectType('PaymentCertificate', {
  description: 'What was paid on an invoice, when and how (attestation de paiement).',
})
export class PaymentCertificateType {
  @Field(() => MoneyType, { description: "The invoice's total." })
  total!: MoneyType;

  @Field(() => MoneyType, { description: 'Paid or credited so far: the sum of payments.' })
  amountPaid!: MoneyType;

  @Field(() => MoneyType, { description: 'Left to pay.' })
  amountDue!: MoneyType;

  @Field({ description: 'Whether nothing is left to pay.' })
  paidInFull!: boolean;

  @Field(() => [CertificatePaymentType], {
    description: 'Each payment or credit note applied, oldest first.',
  })
  payments!: CertificatePaymentType[];
}
