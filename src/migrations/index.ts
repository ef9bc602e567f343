import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123000000Foundation } from './Migration20261123000000Foundation';
import { Migration20261123010000Reservations } from './Migration20261123010000Reservations';
import { Migration20261123020000Attendance } from './Migration20261123020000Attendance';
import { Migration20261123030000Billing } from './Migration20261123030000Billing';
import { Migration20261123040000Water } from './Migration20261123040000Water';
import { Migration20261123050000AllocationGuards } from './Migration20261123050000AllocationGuards';
import { Migration20261130000000Integrity } from './Migration20261130000000Integrity';
import { Migration20261130010000BillingStatistics } from './Migration20261130010000BillingStatistics';
import { Migration20261130020000FamilySearch } from './Migration20261130020000FamilySearch';
import { Migration20261130030000Calendars } from './Migration20261130030000Calendars';
import { Migration20261130035000FamilySearchIndex } from './Migration20261130035000FamilySearchIndex';
import { Migration20261130040000Eligibility } from './Migration20261130040000Eligibility';
import { Migration20261201010000SchoolNationalCode } from './Migration20261201010000SchoolNationalCode';
import { Migration20261201120000BrowserAccess } from './Migration20261201120000BrowserAccess';
import { Migration20261201130000ApiKeyAdmin } from './Migration20261201130000ApiKeyAdmin';
import { Migration20261202000000Waitlists } from './Migration20261202000000Waitlists';
import { Migration20261202000000Webhooks } from './Migration20261202000000Webhooks';
import { Migration20261202100000ClosurePeriods } from './Migration20261202100000ClosurePeriods';
import { Migration20261202110000FamilyQuotients } from './Migration20261202110000FamilyQuotients';
import { Migration20261203000000WaitlistGroups } from './Migration20261203000000WaitlistGroups';
import { Migration20261203010000NotificationMessages } from './Migration20261203010000NotificationMessages';
import { Migration20261204000000DraftRuns } from './Migration20261204000000DraftRuns';
import { Migration20261204010000Sepa } from './Migration20261204010000Sepa';
import { Migration20261204020000CashDesk } from './Migration20261204020000CashDesk';

/** Every migration, in order. Listed explicitly so that compiled and ts-jest runs see the same. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261123000000Foundation', class: Migration20261123000000Foundation },
  { name: 'Migration20261123010000Reservations', class: Migration20261123010000Reservations },
  { name: 'Migration20261123020000Attendance', class: Migration20261123020000Attendance },
  { name: 'Migration20261123030000Billing', class: Migration20261123030000Billing },
  { name: 'Migration20261123040000Water', class: Migration20261123040000Water },
  { name: 'Migration20261123050000AllocationGuards', class: Migration20261123050000AllocationGuards },
  { name: 'Migration20261130000000Integrity', class: Migration20261130000000Integrity },
  { name: 'Migration20261130010000BillingStatistics', class: Migration20261130010000BillingStatistics },
  { name: 'Migration20261130020000FamilySearch', class: Migration20261130020000FamilySearch },
  { name: 'Migration20261130030000Calendars', class: Migration20261130030000Calendars },
  { name: 'Migration20261130035000FamilySearchIndex', class: Migration20261130035000FamilySearchIndex },
  { name: 'Migration20261130040000Eligibility', class: Migration20261130040000Eligibility },
  { name: 'Migration20261201010000SchoolNationalCode', class: Migration20261201010000SchoolNationalCode },
  { name: 'Migration20261201120000BrowserAccess', class: Migration20261201120000BrowserAccess },
  { name: 'Migration20261201130000ApiKeyAdmin', class: Migration20261201130000ApiKeyAdmin },
  { name: 'Migration20261202000000Waitlists', class: Migration20261202000000Waitlists },
  { name: 'Migration20261202000000Webhooks', class: Migration20261202000000Webhooks },
  { name: 'Migration20261202100000ClosurePeriods', class: Migration20261202100000ClosurePeriods },
  { name: 'Migration20261202110000FamilyQuotients', class: Migration20261202110000FamilyQuotients },
  { name: 'Migration20261203000000WaitlistGroups', class: Migration20261203000000WaitlistGroups },
  {
    name: 'Migration20261203010000NotificationMessages',
    class: Migration20261203010000NotificationMessages,
  },
  { name: 'Migration20261204000000DraftRuns', class: Migration20261204000000DraftRuns },
  { name: 'Migration20261204010000Sepa', class: Migration20261204010000Sepa },
  { name: 'Migration20261204020000CashDesk', class: Migration20261204020000CashDesk },
];
