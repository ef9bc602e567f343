import { ClosurePeriod } from '../administration/calendars/closure-period.entity';
import { ApiKey } from '../auth/api-key.entity';
import { Child } from '../families/child.entity';
import { Family } from '../families/family.entity';
import { Facility } from '../facilities/facility.entity';
import { PriceBracket } from '../facilities/price-bracket.entity';
import { Service } from '../facilities/service.entity';
import { Session } from '../sessions/session.entity';
import { TenantOwned } from '../shared/tenant-owned';
import { Tenant } from '../tenants/tenant.entity';
import { Reservation } from '../reservations/reservation.entity';
import { Charge } from '../reservations/charge.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { AbsenceReason } from '../reservations/absence-reason.entity';
import { Invoice, InvoiceLine } from '../billing/invoices/invoice.entity';
import { BillingRun } from '../billing/runs/billing-run.entity';
import { Allocation, Payment } from '../billing/payments/payment.entity';
import { Instalment, PaymentPlan } from '../billing/payment-plans/payment-plan.entity';
import { WebhookDelivery, WebhookEndpoint, WebhookEvent } from '../webhooks/webhook.entity';
import { WaitlistEntry } from '../waitlists/waitlist-entry.entity';
import { Notification } from '../notifications/notification.entity';
import { Import } from '../imports/import.entity';
import { PLACEMENT_ENTITIES } from '../placements/entities';
import { DraftInvoice, DraftInvoiceLine } from '../billing/drafts/draft-invoice.entity';
import { Debit, DebitBatch, Mandate } from '../billing/sepa/sepa.entity';
import { CashOffice, Receipt, TillClosing } from '../billing/cash-desk/cash-desk.entity';
import { DepositSlip, Refund } from '../billing/cash-desk/bank.entity';
import {
  Reminder,
  ReminderBatch,
  TreasuryBatch,
  TreasuryHandOver,
} from '../billing/reminders/reminder.entity';
import { AttendanceConflict } from '../attendance/attendance-conflict.entity';

/** Entities carrying `tenant_id`, filtered per request and guarded by row-level security. */
export const TENANT_OWNED_ENTITIES = [
  Family,
  Child,
  Facility,
  Service,
  PriceBracket,
  Session,
  Reservation,
  Charge,
  AuditEvent,
  AbsenceReason,
  Invoice,
  InvoiceLine,
  BillingRun,
  Payment,
  Allocation,
  PaymentPlan,
  Instalment,
  WebhookEndpoint,
  WebhookEvent,
  WebhookDelivery,
  ClosurePeriod,
  WaitlistEntry,
  Notification,
  Import,
  ...PLACEMENT_ENTITIES,
  DraftInvoice,
  DraftInvoiceLine,
  Mandate,
  DebitBatch,
  Debit,
  CashOffice,
  Receipt,
  TillClosing,
  ReminderBatch,
  Reminder,
  TreasuryBatch,
  TreasuryHandOver,
  DepositSlip,
  Refund,
  AttendanceConflict,
];

export const ENTITIES = [TenantOwned, Tenant, ApiKey, ...TENANT_OWNED_ENTITIES];
