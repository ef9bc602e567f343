import { m, type Amount, type Day, type OneOf } from '../message';

/** Invoices, credit notes, payment plans, payments, water, billing runs. */
export const billing = {
  'creditNote.reasonRequired': m<{ max: number }>({
    en: 'Give a reason (at most {max} characters).',
    fr: 'Indiquez un motif (au plus {max} caractères).',
  }),
  'creditNote.linesOrAmount': m({
    en: 'Give either lines or an amount.',
    fr: 'Indiquez soit des lignes, soit un montant.',
  }),
  'creditNote.ofCreditNote': m({
    en: 'A credit note cannot be credited.',
    fr: 'Un avoir ne peut pas faire l’objet d’un avoir.',
  }),
  'creditNote.notALine': m({
    en: 'Not a line of this invoice.',
    fr: 'Ce n’est pas une ligne de cette facture.',
  }),
  'creditNote.lineTwice': m({
    en: 'This line is named twice: give its units once.',
    fr: 'Cette ligne est indiquée deux fois : donnez ses unités une seule fois.',
  }),
  'creditNote.lineCredited': m({
    en: 'Every unit of this line is already credited.',
    fr: 'Toutes les unités de cette ligne ont déjà fait l’objet d’un avoir.',
  }),
  'creditNote.units': m<{ max: number }>({
    en: 'Credit 1 to {max} {max, plural, one {unit} other {units}} of this line.',
    fr: 'Créditez de 1 à {max} {max, plural, one {unité} other {unités}} de cette ligne.',
  }),
  'creditNote.tooMuch': m<{ max: Amount }>({
    en: 'At most {max} of this invoice can still be credited.',
    fr: 'Il reste au plus {max} de cette facture à créditer.',
  }),
  'amount.positive': m({
    en: 'An amount is a positive number of minor units (cents).',
    fr: 'Un montant est un nombre positif de centimes.',
  }),
  'plan.invoiceOrFamily': m({
    en: 'Give either an invoice or a family.',
    fr: 'Indiquez soit une facture, soit une famille.',
  }),
  'plan.alreadyPlanned': m({
    en: 'This invoice is already on a payment plan.',
    fr: 'Cette facture fait déjà partie d’un échéancier.',
  }),
  'plan.nothingDue': m({ en: 'Nothing is left to pay.', fr: 'Il ne reste rien à payer.' }),
  'plan.instalments': m<{ max: number; maxCount: number; minAmount: Amount }>({
    en: 'Choose 1 to {max} instalments (at most {maxCount}, each at least {minAmount}).',
    fr: 'Choisissez de 1 à {max} échéances (au plus {maxCount}, chacune d’au moins {minAmount}).',
  }),
  'payment.methodNotAccepted': m<{ method: string; accepted: OneOf; count: number }>({
    en: '{method} is not accepted at this counter ({count, plural, =0 {it takes no payment} other {accepted: {accepted}}}).',
    fr: '{method} n’est pas accepté à ce guichet ({count, plural, =0 {il ne prend aucun paiement} other {acceptés : {accepted}}}).',
    'fr-CA':
      '{method} n’est pas accepté à ce comptoir ({count, plural, =0 {il ne prend aucun paiement} other {acceptés : {accepted}}}).',
  }),
  'payment.counterOnly': m({
    en: 'Cash and cheques are taken at the counter only.',
    fr: 'Les espèces et les chèques ne sont acceptés qu’au guichet.',
    'fr-CA': 'L’argent comptant et les chèques ne sont acceptés qu’au comptoir.',
  }),
  'payment.amount': m<{ max: Amount }>({
    en: 'An amount is a positive number of minor units (cents), at most {max}.',
    fr: 'Un montant est un nombre positif de centimes, au plus {max}.',
  }),
  'payment.notOpenInvoice': m({
    en: 'Not an open invoice of this family.',
    fr: 'Ce n’est pas une facture à régler de cette famille.',
  }),
  'payment.allocation': m<{ max: Amount }>({
    en: 'Allocate at most {max} to this invoice.',
    fr: 'Affectez au plus {max} à cette facture.',
  }),
  'payment.allocationsExceed': m({
    en: 'The allocations exceed the payment.',
    fr: 'Les affectations dépassent le paiement.',
  }),
  'water.readingDate': m<{ from: Day; today: Day }>({
    en: 'A reading is dated between {from} and today ({today}).',
    fr: 'Un relevé est daté entre le {from} et aujourd’hui ({today}).',
  }),
  'water.cubicMetres': m<{ max: number }>({
    en: 'Give whole cubic metres, 1 to {max}.',
    fr: 'Indiquez des mètres cubes entiers, de 1 à {max}.',
  }),
  'water.noService': m({
    en: 'This tenant has no water service.',
    fr: 'Cette collectivité n’a pas de service de l’eau.',
    'fr-CA': 'Cette organisation n’a pas de service de l’eau.',
  }),
  'water.noPrice': m<{ date: Day }>({
    en: 'The water grid has no price for {date}.',
    fr: 'La grille de l’eau n’a pas de tarif pour le {date}.',
  }),
  'water.monthlyAmount': m({
    en: 'A monthly amount is 0 (stop) or a positive number of minor units (cents).',
    fr: 'Un montant mensuel vaut 0 (arrêt) ou un nombre positif de centimes.',
  }),
  'water.yearNotOver': m({
    en: 'Regularise a year that is over.',
    fr: 'Régularisez une année terminée.',
  }),
  'billing.suspended': m({ en: 'Billing is suspended.', fr: 'La facturation est suspendue.' }),
  'billing.notSuspended': m({ en: 'Billing is not suspended.', fr: 'La facturation n’est pas suspendue.' }),
  'billing.alreadySuspended': m<{ since: Day }>({
    en: 'Billing is already suspended (since {since}).',
    fr: 'La facturation est déjà suspendue (depuis le {since}).',
  }),
  'billing.alreadySuspendedSinceUnknown': m({
    en: 'Billing is already suspended.',
    fr: 'La facturation est déjà suspendue.',
  }),
  'billing.periodNotOver': m<{ period: string; today: Day }>({
    en: 'The period {period} is not over yet (today is {today}).',
    fr: 'La période {period} n’est pas terminée (nous sommes le {today}).',
  }),
  'billing.catchUpPast': m({
    en: 'Catch up to a past day only.',
    fr: 'Le rattrapage s’arrête à un jour passé.',
  }),
};
