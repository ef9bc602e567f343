import { m, type CalendarDate } from '../message';

const KIND_EN =
  '{kind, select, CATCH_UP {Catch-up invoice} CREDIT_NOTE {Credit note} REGULARISATION {Regularisation invoice} REPLACEMENT {Replacement invoice} other {Invoice}}';
const KIND_FR =
  '{kind, select, CATCH_UP {Facture de rattrapage} CREDIT_NOTE {Avoir} REGULARISATION {Facture de régularisation} REPLACEMENT {Facture rectificative} other {Facture}}';

/** The columns of the treasury's CSV export. */
export type TreasuryColumn =
  | 'type'
  | 'number'
  | 'date'
  | 'dueDate'
  | 'family'
  | 'familyRef'
  | 'minorUnits'
  | 'amount'
  | 'currency'
  | 'method'
  | 'reference';

/** The labels of documents: an invoice's PDF, the treasury's CSV. */
export const documents = {
  'pdf.title': m<{ kind: string; number: string }>({
    en: `${KIND_EN} no. {number}`,
    fr: `${KIND_FR} n° {number}`,
  }),
  'pdf.issued': m<{ kind: string; issued: CalendarDate; due: CalendarDate }>({
    en: 'Issued on {issued}{kind, select, CREDIT_NOTE {} other { — due by {due}}}',
    fr: '{kind, select, CREDIT_NOTE {Émis le {issued}} other {Émise le {issued} — à régler avant le {due}}}',
  }),
  'pdf.period': m<{ from: CalendarDate; to: CalendarDate }>({
    en: 'Period: {from} to {to}',
    fr: 'Période : du {from} au {to}',
  }),
  'pdf.reason': m<{ reason: string }>({ en: 'Reason: {reason}', fr: 'Motif : {reason}' }),
  'pdf.column.label': m({ en: 'Description', fr: 'Désignation' }),
  'pdf.column.quantity': m({ en: 'Qty', fr: 'Qté' }),
  'pdf.column.unitPrice': m({ en: 'Unit price', fr: 'Prix unit.' }),
  'pdf.column.amount': m({ en: 'Amount', fr: 'Montant' }),
  'pdf.total': m({ en: 'Total', fr: 'Total' }),
  'pdf.settled': m({
    en: 'Already settled (payments, deposits, credit notes)',
    fr: 'Déjà réglé (paiements, acomptes, avoirs)',
  }),
  'pdf.balance': m({ en: 'Balance due', fr: 'Reste à payer' }),
  'pdf.schedule': m({ en: 'Payment schedule', fr: 'Échéancier' }),
  'pdf.instalment': m<{ position: number; due: CalendarDate }>({
    en: 'Instalment {position} — {due}',
    fr: 'Échéance {position} — {due}',
  }),
  'treasury.column': m<{ column: TreasuryColumn }>({
    en: '{column, select, type {type} number {number} date {date} dueDate {due date} family {family} familyRef {family reference} minorUnits {amount (minor units)} amount {amount} currency {currency} method {method} other {reference}}',
    fr: '{column, select, type {type} number {numéro} date {date} dueDate {échéance} family {famille} familyRef {référence famille} minorUnits {montant (centimes)} amount {montant} currency {devise} method {mode} other {référence}}',
  }),
};
