import type { Domain } from '../graphql/domain';
import { ImportErrorResolver, ImportResolver } from './import.resolver';

/** Legacy imports: the `Import` reports (the files arrive through POST /imports/<kind>). */
export const importsDomain: Domain = { name: 'imports', resolvers: [ImportResolver, ImportErrorResolver] };
