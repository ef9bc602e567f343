import { m, type Day, type Instant } from '../message';

/** Waitlists and the family's notifications. */
export const waitlists = {
  'notification.autoBooked': m<{ child: string; service: string; date: Day }>({
    en: 'A place came free: {child} is booked at “{service}” on {date}.',
    fr: 'Une place s’est libérée : {child} est inscrit·e à « {service} » le {date}.',
  }),
  'notification.offerMade': m<{ child: string; service: string; date: Day; deadline: Instant }>({
    en: 'A place is offered to {child} at “{service}” on {date}. Answer before {deadline}, or it will be offered to the next family.',
    fr: 'Une place vous est proposée pour {child} à « {service} » le {date}. Répondez avant le {deadline}, sans quoi elle sera proposée à la famille suivante.',
  }),
  'notification.offerExpiring': m<{ child: string; date: Day; hours: number; deadline: Instant }>({
    en: 'Reminder: the place offered to {child} on {date} is yours for {hours, plural, one {# more hour} other {# more hours}}, until {deadline}.',
    fr: 'Rappel : la place proposée pour {child} le {date} vous attend encore {hours} h, jusqu’au {deadline}.',
  }),
  'notification.offerExpired': m<{ child: string; date: Day }>({
    en: 'The place offered to {child} on {date} expired without an answer: it was offered to the next family.',
    fr: 'L’offre de place pour {child} le {date} a expiré sans réponse : la place a été proposée à la famille suivante.',
  }),
  'notification.sessionCancelledBooking': m<{ service: string; date: Day; reason: string; child: string }>({
    en: '“{service}” on {date} is cancelled ({reason}): the booking of {child} is cancelled free of charge.',
    fr: '« {service} » du {date} est annulé ({reason}) : la réservation de {child} est annulée sans frais.',
  }),
  'notification.sessionCancelledWaitlist': m<{ service: string; date: Day; reason: string; child: string }>({
    en: '“{service}” on {date} is cancelled ({reason}): {child} leaves the waitlist.',
    fr: '« {service} » du {date} est annulé ({reason}) : {child} sort de la liste d’attente.',
  }),
  'notification.rankChanged': m<{ child: string; service: string; date: Day }>({
    en: 'The service reviewed the priority of {child} on the “{service}” waitlist of {date}; the rank may have changed.',
    fr: 'La priorité de {child} sur la liste d’attente « {service} » du {date} a été revue par le service ; son rang peut avoir changé.',
  }),
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
