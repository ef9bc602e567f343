import type { Domain } from '../graphql/domain';
import { AuditEventResolver } from './audit/audit-events.resolver';
import { ClosurePeriodResolver } from './calendars/closures.resolver';
import { CatalogueResolver } from './catalogue/catalogue.resolver';
import { ChildArchivedResolver, FamilyArchivedResolver } from './families/archived.resolver';
import { FamilyAdminResolver } from './families/family-admin.resolver';
import { ChildHouseholdsResolver } from './families/households.resolver';
import { createQuotientLoaders, FamilyQuotientResolver } from './families/quotient.resolver';
import { TenantConfigurationResolver } from './tenant/tenant-config.resolver';
import { PriceGridResolver } from './pricing/price-grid.resolver';

/** Administration of a tenant through the API: calendars, and (in their sub-folders) the rest. */
export const administrationDomain: Domain = {
  name: 'administration',
  resolvers: [
    ClosurePeriodResolver,
    FamilyQuotientResolver,
    PriceGridResolver,
    AuditEventResolver,
    FamilyAdminResolver,
    ChildHouseholdsResolver,
    CatalogueResolver,
    TenantConfigurationResolver,
    FamilyArchivedResolver,
    ChildArchivedResolver,
  ],
  loaders: createQuotientLoaders,
};
