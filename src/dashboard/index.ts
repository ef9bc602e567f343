import type { Domain } from '../graphql/domain';
import { DashboardResolver } from './dashboard.resolver';

/** The dashboard's figures (occupancy), computed in SQL; the page is served by src/http/dashboard-route.ts. */
export const dashboardDomain: Domain = { name: 'dashboard', resolvers: [DashboardResolver] };
