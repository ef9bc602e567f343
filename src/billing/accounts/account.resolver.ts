import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Family } from '../../families/family.entity';
import { FamilyType } from '../../families/family.types';
import { Access } from '../../graphql/access';
import type { GraphQLContext } from '../../graphql/context';
import { moneyOf } from '../../graphql/money';
import { BILLING_READERS } from '../../reservations/reservation.types';
import { FamilyAccountType } from './account.types';

@Resolver(() => FamilyType)
export class FamilyAccountResolver {
  @Access(BILLING_READERS)
  @FieldResolver(() => FamilyAccountType, {
    description: "The family's account, derived from the ledger (staff, billing:read keys, the family).",
  })
  async account(@Root() family: Family, @Ctx() ctx: GraphQLContext) {
    const account = await ctx.loaders.accountByFamilyId.load(family.id);
    const money = (amount: number) => moneyOf(amount, ctx.tenant);
    return {
      balance: money(account.balance),
      credit: money(account.credit),
      due: money(account.due),
      overdue: money(account.overdue),
      unbilled: money(account.unbilled),
      invoiced: money(account.invoiced),
      credited: money(account.credited),
      paid: money(account.paid),
      openInvoices: await ctx.loaders.invoiceById.loadMany(account.openInvoiceIds),
    };
  }
}
