import type { Domain } from '../../graphql/domain';
import { createCorrectionLoaders } from './corrections.loaders';
import {
  CorrectionDraftResolver,
  CorrectiveRunResolver,
  InvoiceCorrectionsResolver,
} from './corrections.resolver';

/** Corrective runs: corrections of invoiced charges issued as credit notes and replacement invoices. */
export const billingCorrectionsDomain: Domain = {
  name: 'billing-corrections',
  resolvers: [CorrectiveRunResolver, CorrectionDraftResolver, InvoiceCorrectionsResolver],
  loaders: createCorrectionLoaders,
};
