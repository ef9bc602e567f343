import { m } from '../message';

/** Draft billing runs, SEPA direct debits, the cash desk. */
export const treasury = {
  'draft.periodRequired': m({
    en: 'Give the period (YYYY-MM) of a monthly run.',
    fr: 'Indiquez la période (AAAA-MM) d’une facturation mensuelle.',
  }),
  'draft.yearRequired': m({
    en: 'Give the year of a water regularisation.',
    fr: 'Indiquez l’année de la régularisation de l’eau.',
  }),
  'draft.monthlyWhileSuspended': m({
    en: 'Billing is suspended: draft a catch-up run instead.',
    fr: 'La facturation est suspendue : préparez plutôt une facturation de rattrapage.',
  }),
  'draft.notADraft': m<{ status: string }>({
    en: 'This run is not a draft any more ({status}).',
    fr: 'Cette facturation n’est plus un brouillon ({status}).',
  }),
  'draft.runNotFound': m({
    en: 'Billing run not found.',
    fr: 'Facturation introuvable.',
  }),
  'draft.familyNotInRun': m({
    en: 'This family has no invoice in this draft.',
    fr: 'Cette famille n’a pas de facture dans ce brouillon.',
  }),
  'draft.stale': m<{ families: number }>({
    en: '{families, plural, one {One family’s charges have} other {# families’ charges have}} changed since the draft was built: rebuild it, review it, then promote it.',
    fr: '{families, plural, one {Les prestations d’une famille ont} other {Les prestations de # familles ont}} changé depuis la préparation du brouillon : reconstruisez-le, relisez-le, puis validez-le.',
  }),
};
