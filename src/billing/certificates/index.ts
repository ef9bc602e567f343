import type { Domain } from '../../graphql/domain';
import {
  ChildcareCertificateResolver,
  FamilyCertificatesResolver,
  InvoiceCertificateResolver,
  PaymentCertificateResolver,
} from './certificates.resolver';

/** Certificates: a child's yearly childcare costs, an invoice's payments (PDFs too). */
export const billingCertificatesDomain: Domain = {
  name: 'billing-certificates',
  resolvers: [
    FamilyCertificatesResolver,
    ChildcareCertificateResolver,
    InvoiceCertificateResolver,
    PaymentCertificateResolver,
  ],
};
