import { m, type Day, type Instant } from '../message';

/** Waitlists and the family's notifications. */
export const waitlists = {
  'waitlist.entryNotFound': m({
    en: 'Waitlist entry not found.',
    fr: 'Inscription en liste d’attente introuvable.',
  }),
  'waitlist.notLive': m<{ status: string }>({
    en: 'This entry is {status}: nothing to change.',
    fr: 'Cette inscription est {status} : rien à changer.',
  }),
  'waitlist.offerExpired': m<{ expiredAt: Instant }>({
    en: 'The offer expired on {expiredAt}.',
    fr: 'La proposition a expiré le {expiredAt}.',
  }),
  'waitlist.offerOverlap': m({
    en: 'The child is already booked on this session or elsewhere at those hours: decline the offer or cancel the other booking.',
    fr: 'L’enfant est déjà inscrit à cette séance ou ailleurs aux mêmes heures : refusez la proposition ou annulez l’autre réservation.',
  }),
  'waitlist.agentsOnly': m({
    en: 'Only agents change priorities.',
    fr: 'Seuls les agents modifient les priorités.',
  }),
  'waitlist.reasonRequired': m({
    en: 'Give the reason for the change.',
    fr: 'Indiquez la raison du changement.',
  }),
  'waitlist.adjustment': m({
    en: 'The adjustment is a whole number from -1000 to 1000.',
    fr: 'L’ajustement est un nombre entier de -1000 à 1000.',
  }),
  'waitlist.sessionNamedTwice': m({
    en: 'This session is named twice.',
    fr: 'Cette séance est indiquée deux fois.',
  }),
  'waitlist.notFull': m<{ date: Day }>({
    en: '{date}: places are left, book the session instead.',
    fr: '{date} : il reste des places, réservez plutôt la séance.',
  }),
  'waitlist.already': m({
    en: 'The child (or one of the children joining together) is already on this waitlist.',
    fr: 'L’enfant (ou l’un des enfants inscrits ensemble) est déjà sur cette liste d’attente.',
  }),
  'waitlist.groupChildren': m<{ max: number }>({
    en: 'Children joining together are 2 to {max} different children.',
    fr: 'Les enfants inscrits ensemble sont 2 à {max} enfants différents.',
  }),
  'waitlist.notSiblings': m({
    en: 'Children joining together belong to the same family.',
    fr: 'Les enfants inscrits ensemble appartiennent à la même famille.',
  }),
  'waitlist.groupOverlap': m({
    en: 'One of the children offered a place together is already booked elsewhere at those hours: the places are accepted all together or not at all. Cancel the other booking, or decline.',
    fr: 'L’un des enfants à qui une place est proposée ensemble est déjà inscrit ailleurs aux mêmes heures : les places s’acceptent toutes ensemble ou pas du tout. Annulez l’autre réservation, ou refusez.',
  }),
  'waitlist.statisticsRange': m({
    en: '"from" to "to" spans 0 to 366 days.',
    fr: 'De « from » à « to » : de 0 à 366 jours.',
  }),
  'notifications.parentsOnly': m({
    en: 'Only parents mark their notifications.',
    fr: 'Seuls les parents marquent leurs notifications.',
  }),
};
