import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { Child } from '../../families/child.entity';
import type { Family } from '../../families/family.entity';
import { ChildType, FamilyType } from '../../families/family.types';
import { Access } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { ListLength } from '../../graphql/cost';
import { moneyOf, MoneyType } from '../../graphql/money';
import { BadInputError } from '../../shared/errors';
import { msg } from '../../shared/i18n';
import type { Invoice } from '../invoices/invoice.entity';
import { InvoiceType } from '../invoices/invoice.types';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { childcareCertificateDocument, paymentCertificateDocument } from './certificate-routes';
import {
  childcareCertificates,
  paymentCertificate,
  type CertificatePayment,
  type ChildcareCertificate,
} from './certificates.service';
import { toGlobalId } from '../../shared/ids';
import {
  CertificatePaymentType,
  ChildcareCertificateType,
  PaymentCertificateType,
} from './certificates.types';
import { present } from '../../shared/loaders';

const paymentsOf = (payments: CertificatePayment[], ctx: GraphQLContext): CertificatePaymentType[] =>
  payments.map((p) => ({ ...p, amount: moneyOf(p.amount, ctx.tenant) }));

const signed = (ctx: GraphQLContext, document: { path: string; params: Record<string, string> }) =>
  ctx.links.sign({ ...document, tenant: ctx.tenant.slug, viewer: ctx.viewer, now: ctx.now() });

const LINK =
  'A link to download it as PDF that works for ten minutes without an Authorization header, signed for this tenant and this viewer (as Invoice.pdfUrl; see docs/auth.md). The same path without its parameters works with the bearer token.';

/** A certificate as the API reads it: the figures and what its link needs. */
type ChildcareCertificateRoot = ChildcareCertificate & { kind: 'childcare' };

@Resolver(() => FamilyType)
export class FamilyCertificatesResolver {
  @Access(BILLING_READERS)
  @ListLength(3)
  @FieldResolver(() => [ChildcareCertificateType], {
    description:
      "The family's childcare certificates for a tax year: one per child whose childcare it paid for in that year (empty when none). Staff, billing:read keys, the family. BAD_USER_INPUT for a year outside 2000–2199.",
  })
  async childcareCertificates(
    @Root() family: Family,
    @Arg('year', () => Int, { description: 'The tax year, e.g. 2026.' }) year: number,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ChildcareCertificateRoot[]> {
    if (!Number.isInteger(year) || year < 2000 || year > 2199) {
      throw new BadInputError(msg('input.outOfRange', { field: 'year', min: 2000, max: 2199, value: year }), [
        'year',
      ]);
    }
    return (await childcareCertificates(ctx, family.id, year)).map((c) => ({ ...c, kind: 'childcare' }));
  }
}

@Resolver(() => ChildcareCertificateType)
export class ChildcareCertificateResolver {
  @FieldResolver(() => ChildType, { description: 'The child.' })
  child(@Root() certificate: ChildcareCertificateRoot): Child {
    return certificate.child;
  }

  @FieldResolver(() => FamilyType, { description: 'The household that paid.' })
  family(@Root() certificate: ChildcareCertificateRoot, @Ctx() ctx: GraphQLContext): Promise<Family> {
    return present(ctx.loaders.familyById.load(certificate.familyId));
  }

  @FieldResolver(() => MoneyType, {
    description: "What was paid for the child's childcare in the year: the sum of `payments`.",
  })
  amountPaid(@Root() certificate: ChildcareCertificateRoot, @Ctx() ctx: GraphQLContext): MoneyType {
    return moneyOf(certificate.amount, ctx.tenant);
  }

  @FieldResolver(() => [CertificatePaymentType], { description: 'The payments counted, oldest first.' })
  payments(
    @Root() certificate: ChildcareCertificateRoot,
    @Ctx() ctx: GraphQLContext,
  ): CertificatePaymentType[] {
    return paymentsOf(certificate.payments, ctx);
  }

  @FieldResolver(() => String, {
    description: `${LINK} Path: /documents/certificates/childcare/<Family_…>/<Child_…>/<year>.pdf.`,
  })
  pdfUrl(@Root() certificate: ChildcareCertificateRoot, @Ctx() ctx: GraphQLContext): string {
    return signed(
      ctx,
      childcareCertificateDocument(
        toGlobalId('Family', certificate.familyId),
        toGlobalId('Child', certificate.child.id),
        certificate.year,
      ),
    );
  }
}

@Resolver(() => InvoiceType)
export class InvoiceCertificateResolver {
  @FieldResolver(() => PaymentCertificateType, {
    nullable: true,
    description: 'What was paid on it, when and how (null for a credit note).',
  })
  async paymentCertificate(@Root() invoice: Invoice, @Ctx() ctx: GraphQLContext) {
    const certificate = await paymentCertificate(ctx, invoice);
    if (!certificate) return null;
    return {
      invoice,
      total: moneyOf(invoice.total, ctx.tenant),
      amountPaid: moneyOf(certificate.paid, ctx.tenant),
      amountDue: moneyOf(invoice.total - certificate.paid, ctx.tenant),
      paidInFull: certificate.paid >= invoice.total,
      payments: paymentsOf(certificate.payments, ctx),
    };
  }
}

@Resolver(() => PaymentCertificateType)
export class PaymentCertificateResolver {
  @FieldResolver(() => String, {
    description: `${LINK} Path: /documents/invoices/<number>/payment-certificate.pdf.`,
  })
  pdfUrl(@Root() certificate: { invoice: Invoice }, @Ctx() ctx: GraphQLContext): string {
    return signed(ctx, paymentCertificateDocument(certificate.invoice.number));
  }
}
