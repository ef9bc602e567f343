import { m, type Amount, type CalendarDate, type Day } from '../message';

/** The columns of a treasury collection batch's CSV, in order. */
export type CollectionColumn =
  | 'batch'
  | 'position'
  | 'invoice'
  | 'kind'
  | 'issueDate'
  | 'dueDate'
  | 'debtor'
  | 'debtorRef'
  | 'address'
  | 'postalCode'
  | 'city'
  | 'email'
  | 'minorUnits'
  | 'amount'
  | 'currency'
  | 'object'
  | 'handedOverOn'
  | 'debtorLastName'
  | 'debtorFirstName'
  | 'budgetCode';

/** Reminders, the hand-over to the public treasury, deposit slips and refunds. */
export const collection = {
  'reminders.levels': m<{ max: number }>({
    en: 'Give 1 to {max} reminder levels, each later than the one before (1 to 365 days after the due date), with a fee of 0 to 1 000,00.',
    fr: 'Indiquez 1 à {max} niveaux de relance, chacun plus tardif que le précédent (1 à 365 jours après l’échéance), avec des frais de 0 à 1 000,00.',
  }),
  'reminders.handOverDays': m<{ min: number }>({
    en: 'Debts go to the treasury after the last reminder: give at least {min} days after the due date (at most 730).',
    fr: 'Les dettes partent au Trésor public après la dernière relance : indiquez au moins {min} jours après l’échéance (730 au plus).',
  }),
  'reminders.invoice': m<{
    level: number;
    last: string;
    number: string;
    amount: Amount;
    dueDate: Day;
    fee: Amount;
    hasFee: string;
  }>({
    en: '{last, select, yes {Last reminder} other {Reminder {level}}}: invoice {number}, due on {dueDate}, still owes {amount}.{hasFee, select, yes { A reminder fee of {fee} was invoiced.} other {}}{last, select, yes { Without payment, it will be handed over to the public treasury for collection.} other {}}',
    fr: '{last, select, yes {Dernière relance} other {Relance {level}}} : la facture {number}, échue le {dueDate}, reste due pour {amount}.{hasFee, select, yes { Des frais de relance de {fee} ont été facturés.} other {}}{last, select, yes { Sans paiement, elle sera transmise au Trésor public pour recouvrement.} other {}}',
  }),
  'reminders.instalment': m<{
    level: number;
    last: string;
    position: number;
    amount: Amount;
    dueDate: Day;
    fee: Amount;
    hasFee: string;
  }>({
    en: '{last, select, yes {Last reminder} other {Reminder {level}}}: instalment {position} of your payment plan, due on {dueDate}, still owes {amount}.{hasFee, select, yes { A reminder fee of {fee} was invoiced.} other {}}{last, select, yes { Without payment, the plan’s invoices will be handed over to the public treasury for collection.} other {}}',
    fr: '{last, select, yes {Dernière relance} other {Relance {level}}} : l’échéance {position} de votre échéancier, due le {dueDate}, reste à payer pour {amount}.{hasFee, select, yes { Des frais de relance de {fee} ont été facturés.} other {}}{last, select, yes { Sans paiement, les factures de l’échéancier seront transmises au Trésor public pour recouvrement.} other {}}',
  }),
  'reminders.letterTitle': m<{ level: number; last: string }>({
    en: '{last, select, yes {Final reminder before collection} other {Payment reminder no. {level}}}',
    fr: '{last, select, yes {Dernière relance avant recouvrement} other {Relance n° {level}}}',
  }),
  'reminders.letterGreeting': m<{ family: string }>({
    en: 'To {family},',
    fr: 'À l’attention de {family},',
  }),
  'reminders.letterPay': m<{ date: CalendarDate }>({
    en: 'Written on {date}. Please pay at the counter, by card or by bank transfer; if you have paid in the meantime, please disregard this letter.',
    fr: 'Fait le {date}. Merci de régler au guichet, par carte ou par virement ; si vous avez payé entre-temps, ne tenez pas compte de ce courrier.',
  }),
  'reminders.feeInvoiceLabel': m<{ level: number; number: string }>({
    en: 'Reminder fee (level {level}) — {number}',
    fr: 'Frais de relance (niveau {level}) — {number}',
  }),
  'treasury.handedOverNotice': m<{ count: number; total: Amount; batch: string; date: Day }>({
    en: '{count, plural, one {One unpaid invoice} other {# unpaid invoices}} ({total}) {count, plural, one {was} other {were}} handed over to the public treasury on {date} (batch {batch}): pay the treasury from now on, not the town’s counter.',
    fr: '{count, plural, one {Une facture impayée} other {# factures impayées}} ({total}) {count, plural, one {a été transmise} other {ont été transmises}} au Trésor public le {date} (bordereau {batch}) : réglez désormais auprès du Trésor public, et non plus au guichet.',
  }),
  'treasury.nothingToHandOver': m({
    en: 'No debt is past its last reminder and the hand-over delay: nothing to hand over (no batch number was used).',
    fr: 'Aucune dette n’a dépassé sa dernière relance et le délai de transmission : rien à transmettre (aucun numéro de bordereau n’a été pris).',
  }),
  'treasury.invoiceHandedOver': m<{ number: string; batch: string; date: Day }>({
    en: 'Invoice {number} was handed over to the public treasury on {date} (batch {batch}): the treasury collects it now, so nothing more is put on it here.',
    fr: 'La facture {number} a été transmise au Trésor public le {date} (bordereau {batch}) : c’est lui qui la recouvre désormais, rien n’y est plus imputé ici.',
  }),
  'treasury.batchNotFound': m({
    en: 'Collection batch not found.',
    fr: 'Bordereau de transmission introuvable.',
  }),
  'treasuryBatch.column': m<{ column: CollectionColumn }>({
    en: '{column, select, batch {batch} position {position} invoice {invoice} kind {kind} issueDate {issue date} dueDate {due date} debtor {debtor} debtorRef {debtor reference} address {address} postalCode {postal code} city {city} email {email} minorUnits {amount (minor units)} amount {amount} currency {currency} handedOverOn {handed over on} debtorLastName {debtor last name} debtorFirstName {debtor first name} budgetCode {budget code} other {object}}',
    fr: '{column, select, batch {bordereau} position {pièce} invoice {facture} kind {nature} issueDate {date d’émission} dueDate {échéance} debtor {débiteur} debtorRef {référence débiteur} address {adresse} postalCode {code postal} city {commune} email {courriel} minorUnits {montant (centimes)} amount {montant} currency {devise} handedOverOn {date du bordereau} debtorLastName {nom du débiteur} debtorFirstName {prénom du débiteur} budgetCode {code budget} other {objet}}',
  }),
  'depositSlip.nothingToDeposit': m<{ method: string }>({
    en: 'No closed till of this cash office has {method, select, CASH {cash} other {cheques}} left to deposit (close the till first).',
    fr: 'Aucune caisse clôturée de cette régie n’a {method, select, CASH {d’espèces} other {de chèques}} à remettre (clôturez d’abord la caisse).',
  }),
  'depositSlip.method': m({
    en: 'A deposit slip carries cash or cheques.',
    fr: 'Un bordereau de remise porte des espèces ou des chèques.',
  }),
  'depositSlip.notFound': m({ en: 'Deposit slip not found.', fr: 'Bordereau de remise introuvable.' }),
  'depositSlip.banked': m<{ number: string; date: Day }>({
    en: 'Deposit slip {number} was banked on {date}: it never changes.',
    fr: 'Le bordereau {number} a été remis en banque le {date} : il ne change plus.',
  }),
  'depositSlip.futureDay': m({
    en: 'A slip is banked today or on a past day.',
    fr: 'Un bordereau est remis en banque aujourd’hui ou un jour passé.',
  }),
  'refund.amount': m<{ available: Amount }>({
    en: 'A refund is a positive amount, at most the family’s credit that can be refunded ({available}).',
    fr: 'Un remboursement est un montant positif, au plus l’avoir remboursable de la famille ({available}).',
  }),
  'refund.reason': m({
    en: 'Say why this credit is refunded.',
    fr: 'Indiquez le motif du remboursement.',
  }),
};
