import type { Domain } from '../../graphql/domain';
import { CashOfficeResolver, PaymentReceiptResolver, ReceiptResolver } from './cash-desk.resolver';

/** The cash desk: cash offices (régies), numbered receipts, daily till closings. */
export const cashDeskDomain: Domain = {
  name: 'cash-desk',
  resolvers: [CashOfficeResolver, ReceiptResolver, PaymentReceiptResolver],
};
