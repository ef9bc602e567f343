import type { Domain } from '../graphql/domain';
import { ViewerResolver } from './viewer.resolver';

/** Who is calling. */
export const viewerDomain: Domain = { name: 'viewer', resolvers: [ViewerResolver] };
