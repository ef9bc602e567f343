import { ArgsType, Field, ObjectType, registerEnumType } from 'type-graphql';
import { ListLength } from '../graphql/cost';
import { Scope } from '../auth/viewer';
import { Access, type AccessRule } from '../graphql/access';
import { connectionOf, PageArgs } from '../graphql/connection';
import { TextField } from '../graphql/inputs';
import { Node } from '../graphql/node';
import { LocalDate } from '../graphql/scalars';
import { Diet } from './child.entity';

registerEnumType(Diet, {
  name: 'Diet',
  description: 'What the kitchen must serve the child (régime alimentaire).',
  valuesConfig: {
    STANDARD: { description: 'The standard menu.' },
    NO_PORK: { description: 'No pork (sans porc).' },
    VEGETARIAN: { description: 'No meat or fish (végétarien).' },
    ALLERGY_PLAN: { description: 'Individual allergy plan (PAI): meal provided or adapted.' },
  },
});

/** A household's details: agents, `families:read` keys, and the family's own parents. */
export const FAMILY_READERS: AccessRule = { scopes: [Scope.FAMILIES_READ], parents: true };
/**
 * A child's name, class and diet: also the keys that book (`reservations:write`) or take the roll
 * (`attendance:write`) — but never the household's details behind them.
 */
export const CHILD_READERS: AccessRule = {
  scopes: [Scope.FAMILIES_READ, Scope.ATTENDANCE_WRITE, Scope.RESERVATIONS_WRITE],
  parents: true,
};

@Access(FAMILY_READERS)
@ObjectType('Guardian', { description: 'A responsible adult of the household (responsable légal).' })
export class GuardianType {
  @Field({ description: 'First name.' })
  firstName!: string;

  @Field({ description: 'Last name.' })
  lastName!: string;

  @Field(() => String, { nullable: true, description: 'Email address.' })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Phone number.' })
  phone?: string | null;
}

@Access(FAMILY_READERS)
@ObjectType('Family', { implements: Node, description: 'A household (foyer) and its children.' })
export class FamilyType extends Node {
  @Field({ description: 'Display name, e.g. "Famille Martin".' })
  name!: string;

  @ListLength(2)
  @Field(() => [GuardianType], { description: 'Responsible adults.' })
  guardians!: GuardianType[];

  @Field(() => String, { nullable: true, description: 'Street address.' })
  address?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city?: string | null;

  /** The quotient on file before any dated attestation; `Family.familyQuotient` resolves the one valid today. */
  familyQuotient?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "The family's identifier in the tenant's previous software.",
  })
  externalRef?: string | null;
}

@Access(CHILD_READERS)
@ObjectType('Child', { implements: Node, description: 'A child of a family.' })
export class ChildType extends Node {
  @Field({ description: 'First name.' })
  firstName!: string;

  @Field({ description: 'Last name.' })
  lastName!: string;

  @Field(() => LocalDate, { description: 'Birth date.' })
  birthDate!: string;

  @Field(() => String, { nullable: true, description: 'Class or group, e.g. "CE2".' })
  schoolClass?: string | null;

  @Field(() => Diet, { description: 'Diet the kitchen plans for.' })
  diet!: Diet;
}

export const FamilyConnection = connectionOf(FamilyType, 'Family');
export const ChildConnection = connectionOf(ChildType, 'Child');

@ArgsType()
export class FamiliesArgs extends PageArgs {
  @TextField({
    nullable: true,
    maxLength: 100,
    description:
      "Case-insensitive text (at most 100 characters) found in the family's name or its guardians' names, emails or phones.",
  })
  search?: string | null;
}
