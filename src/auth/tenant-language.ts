import type { Language } from '../shared/i18n';
import type { TenantRow } from './authenticate';

/** The language of a tenant as its `tenants` row holds it: messages for its people are in it. */
export const rowLanguage = (row: TenantRow): Language => ({
  locale: String(row.locale),
  timeZone: String(row.time_zone),
});
