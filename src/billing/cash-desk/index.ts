import type { Domain } from '../../graphql/domain';
import {
  CashOfficeBankResolver,
  DepositSlipResolver,
  FamilyRefundsResolver,
  RefundResolver,
} from './bank.resolver';
import { CashOfficeResolver, PaymentReceiptResolver, ReceiptResolver } from './cash-desk.resolver';

/** The cash desk: cash offices (régies), numbered receipts, daily till closings, deposit slips, refunds. */
export const cashDeskDomain: Domain = {
  name: 'cash-desk',
  resolvers: [
    CashOfficeResolver,
    ReceiptResolver,
    PaymentReceiptResolver,
    DepositSlipResolver,
    RefundResolver,
    CashOfficeBankResolver,
    FamilyRefundsResolver,
  ],
};
