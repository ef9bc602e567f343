import type { Domain } from '../graphql/domain';
import { TenantResolver } from './tenant.resolver';

/** The public tenants directory (outage banners) and the caller's own tenant configuration. */
export const directoryDomain: Domain = { name: 'directory', resolvers: [TenantResolver] };
