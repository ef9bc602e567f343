import type { Domain } from '../graphql/domain';
import { ApiKeyResolver } from './api-keys.resolver';

/** Tenant admins' management of the tenant's API keys (tablets, vendors' scripts). */
export const apiKeysDomain: Domain = { name: 'api-keys', resolvers: [ApiKeyResolver] };
