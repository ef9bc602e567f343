import DataLoader from 'dataloader';
import type { TenantContext } from '../../auth/context';
import { familyAccounts, type FamilyAccount } from './accounts.service';

export function createAccountLoaders(ctx: TenantContext) {
  return {
    accountByFamilyId: new DataLoader<string, FamilyAccount>(async (familyIds) => {
      const accounts = await familyAccounts(ctx, familyIds);
      return familyIds.map((id) => accounts.get(id)!);
    }),
  };
}

declare module '../../graphql/context' {
  interface Loaders extends ReturnType<typeof createAccountLoaders> {}
}
