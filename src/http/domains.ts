import { administrationDomain } from '../administration';
import { apiKeysDomain } from '../api-keys';
import { attendanceDomain } from '../attendance';
import { accountsDomain } from '../billing/accounts';
import { invoicesDomain } from '../billing/invoices';
import { paymentPlansDomain } from '../billing/payment-plans';
import { paymentsDomain } from '../billing/payments';
import { billingRunsDomain } from '../billing/runs';
import { billingDraftsDomain } from '../billing/drafts';
import { billingCorrectionsDomain } from '../billing/corrections';
import { billingCertificatesDomain } from '../billing/certificates';
import { sepaDomain } from '../billing/sepa';
import { cashDeskDomain } from '../billing/cash-desk';
import { remindersDomain } from '../billing/reminders';
import { waterDomain } from '../billing/water';
import { dashboardDomain } from '../dashboard';
import { directoryDomain } from '../directory';
import { facilitiesDomain } from '../facilities';
import { familiesDomain } from '../families';
import { importsDomain } from '../imports';
import { nodeDomain } from '../graphql/node.resolver';
import type { Domain } from '../graphql/domain';
import { operatingModesDomain } from '../operating-modes';
import { placementsDomain } from '../placements';
import { reservationsDomain } from '../reservations';
import { sessionsDomain } from '../sessions';
import { viewerDomain } from '../viewer';
import { webhooksDomain } from '../webhooks';
import { waitlistsDomain } from '../waitlists';

/** Every domain the API serves: a new domain is one more line here. */
export const DOMAINS: Domain[] = [
  nodeDomain,
  directoryDomain,
  viewerDomain,
  familiesDomain,
  facilitiesDomain,
  operatingModesDomain,
  sessionsDomain,
  reservationsDomain,
  waitlistsDomain,
  placementsDomain,
  attendanceDomain,
  invoicesDomain,
  paymentPlansDomain,
  paymentsDomain,
  accountsDomain,
  billingRunsDomain,
  billingDraftsDomain,
  billingCorrectionsDomain,
  billingCertificatesDomain,
  sepaDomain,
  cashDeskDomain,
  remindersDomain,
  waterDomain,
  apiKeysDomain,
  webhooksDomain,
  dashboardDomain,
  administrationDomain,
  importsDomain,
];
