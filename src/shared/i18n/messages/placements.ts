import { m, type Day, type Instant } from '../message';

/** Childcare places: applications, allocation rounds, offers, urgent places. */
export const placements = {
  'placement.windowClosed': m({
    en: 'Applications for childcare places are closed for the moment: your application and its registration date are kept. An agent can act for you.',
    fr: 'Les demandes de place sont fermées pour le moment : votre demande et sa date d’inscription sont conservées. Un agent peut agir pour vous.',
  }),
  'placement.applicationNotFound': m({
    en: 'Application not found.',
    fr: 'Demande de place introuvable.',
  }),
  'placement.facilityNotFound': m({ en: 'Facility not found.', fr: 'Établissement introuvable.' }),
  'placement.roundNotFound': m({ en: 'Allocation round not found.', fr: 'Tour d’attribution introuvable.' }),
  'placement.offerNotFound': m({ en: 'Offer not found.', fr: 'Proposition de place introuvable.' }),
  'placement.preferenceCount': m<{ max: number }>({
    en: 'Choose from 1 to {max} facilities, in order of preference.',
    fr: 'Choisissez de 1 à {max} établissements, par ordre de préférence.',
  }),
  'placement.facilityNamedTwice': m({
    en: 'This facility is named twice.',
    fr: 'Cet établissement est indiqué deux fois.',
  }),
  'placement.noAgeGroup': m<{ date: Day }>({
    en: 'This facility takes no child of this age on {date}.',
    fr: 'Cet établissement n’accueille pas d’enfant de cet âge le {date}.',
  }),
  'placement.unknownCriterion': m<{ code: string }>({
    en: 'Unknown admission criterion {code}.',
    fr: 'Critère d’admission inconnu : {code}.',
  }),
  'placement.alreadyApplied': m({
    en: 'This child already has a live application: update it instead.',
    fr: 'Cet enfant a déjà une demande en cours : modifiez-la plutôt.',
  }),
  'placement.notActive': m<{ status: string }>({
    en: 'This application is {status}: it cannot change now.',
    fr: 'Cette demande est {status} : elle ne peut pas changer maintenant.',
  }),
  'placement.reasonRequired': m({
    en: 'Give the reason (it is audited).',
    fr: 'Indiquez la raison (elle est tracée).',
  }),
  'placement.roundNotDraft': m<{ status: string }>({
    en: 'This allocation round is {status}: only a draft can change.',
    fr: 'Ce tour d’attribution est {status} : seul un brouillon peut changer.',
  }),
  'placement.roundStale': m({
    en: 'Places or applications changed since this proposal: propose the round again.',
    fr: 'Des places ou des demandes ont changé depuis cette proposition : relancez le tour.',
  }),
  'placement.proposalNotFound': m({
    en: 'Proposal not found in a draft round.',
    fr: 'Proposition introuvable dans un tour en brouillon.',
  }),
  'placement.noFreePlace': m({
    en: 'No free place in this age group.',
    fr: 'Aucune place libre dans ce groupe d’âge.',
  }),
  'placement.noCandidate': m({
    en: 'Nobody waits for this age group at this facility.',
    fr: 'Personne n’attend dans ce groupe d’âge de cet établissement.',
  }),
  'placement.notACandidate': m({
    en: 'This application does not wait for this facility and age group.',
    fr: 'Cette demande n’attend pas ce groupe d’âge de cet établissement.',
  }),
  'placement.offerNotOpen': m<{ status: string }>({
    en: 'This offer is {status}: nothing to answer.',
    fr: 'Cette proposition est {status} : il n’y a rien à répondre.',
  }),
  'placement.offerExpired': m<{ expiredAt: Instant }>({
    en: 'The offer expired on {expiredAt}.',
    fr: 'La proposition a expiré le {expiredAt}.',
  }),
  'placement.full': m({
    en: 'The place was taken meanwhile: the application keeps its rank for the next place.',
    fr: 'La place a été prise entre-temps : la demande garde son rang pour la prochaine place.',
  }),
  'placement.ageGroupMissing': m({
    en: 'This facility has no such age group.',
    fr: 'Cet établissement n’a pas ce groupe d’âge.',
  }),
  'placement.temporaryEnded': m<{ endDate: Day }>({
    en: 'This temporary facility closes on {endDate}.',
    fr: 'Cet établissement temporaire ferme le {endDate}.',
  }),
  'placement.endBeforeStart': m({
    en: 'The end date comes before the start date.',
    fr: 'La date de fin précède la date de début.',
  }),
  'placement.urgentNotDeclared': m({
    en: 'This application declares no urgency.',
    fr: 'Cette demande ne déclare pas d’urgence.',
  }),
  'placement.criterionNotDeclared': m<{ code: string }>({
    en: 'The application does not declare the criterion {code}.',
    fr: 'La demande ne déclare pas le critère {code}.',
  }),
  'placement.rangeTooLong': m({
    en: 'Ask for at most 366 days.',
    fr: 'Demandez au plus 366 jours.',
  }),
  'placement.ageGroupMonths': m({
    en: 'Months: from 0, and the upper bound above the lower one.',
    fr: 'Mois : à partir de 0, et la borne haute au-dessus de la borne basse.',
  }),
  'placement.capacityBelowTaken': m<{ taken: number }>({
    en: 'Capacity cannot go below the {taken} places already taken.',
    fr: 'La capacité ne peut pas descendre sous les {taken} places déjà occupées.',
  }),
  'notification.placementOffered': m<{ child: string; facility: string; date: Day; deadline: Instant }>({
    en: 'A childcare place is offered to {child} at “{facility}” from {date}. Accept or decline it before {deadline}; without an answer it goes back to the list.',
    fr: 'Une place d’accueil est proposée pour {child} à « {facility} » à partir du {date}. Acceptez-la ou refusez-la avant le {deadline} ; sans réponse, elle revient à la liste.',
  }),
  'notification.placementAccepted': m<{ child: string; facility: string; date: Day }>({
    en: '{child} has a place at “{facility}” from {date}.',
    fr: '{child} a une place à « {facility} » à partir du {date}.',
  }),
  'notification.placementDeclined': m<{ child: string; facility: string }>({
    en: 'The place offered to {child} at “{facility}” was declined. The application keeps its rank at the other facilities it chose.',
    fr: 'La place proposée pour {child} à « {facility} » a été refusée. La demande garde son rang dans les autres établissements choisis.',
  }),
  'notification.placementDeclinedWithdrawn': m<{ child: string; facility: string }>({
    en: 'The place offered to {child} at “{facility}” was declined; by the authority’s rule, the application is withdrawn.',
    fr: 'La place proposée pour {child} à « {facility} » a été refusée ; selon la règle de la collectivité, la demande est retirée.',
  }),
  'notification.placementExpired': m<{ child: string; facility: string }>({
    en: 'The place offered to {child} at “{facility}” expired without an answer: it went back to the list and the application is closed.',
    fr: 'La place proposée pour {child} à « {facility} » a expiré sans réponse : elle revient à la liste et la demande est close.',
  }),
  'placement.notFound': m({ en: 'Placement not found.', fr: 'Place (accueil) introuvable.' }),
  'placement.alreadyEnded': m<{ endDate: Day }>({
    en: 'This placement has already ended, on {endDate}.',
    fr: 'Cet accueil est déjà terminé, le {endDate}.',
  }),
  'placement.endsEarlier': m<{ endDate: Day }>({
    en: 'This placement already ends on {endDate} (the child leaves the age group, or the facility closes): choose an earlier day.',
    fr: 'Cet accueil se termine déjà le {endDate} (l’enfant quitte le groupe d’âge, ou l’établissement ferme) : choisissez un jour antérieur.',
  }),
  'placement.monthRange': m<{ max: number }>({
    en: 'From "from" to "to": 1 to {max} months, "to" not before "from".',
    fr: 'De « from » à « to » : de 1 à {max} mois, « to » pas avant « from ».',
  }),
};
