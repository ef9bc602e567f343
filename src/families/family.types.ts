import { ArgsType, Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionOf, PageArgs } from '../graphql/connection';
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

@ObjectType('Family', { implements: Node, description: 'A household (foyer) and its children.' })
export class FamilyType extends Node {
  @Field({ description: 'Display name, e.g. "Famille Martin".' })
  name!: string;

  @Field(() => [GuardianType], { description: 'Responsible adults.' })
  guardians!: GuardianType[];

  @Field(() => String, { nullable: true, description: 'Street address.' })
  address?: string | null;

  @Field(() => String, { nullable: true, description: 'Postal code.' })
  postalCode?: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city?: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'Family quotient (quotient familial) in whole currency units; picks the price bracket. Null: top bracket.',
  })
  familyQuotient?: number | null;

  @Field(() => String, {
    nullable: true,
    description: "The family's identifier in the tenant's previous software.",
  })
  externalRef?: string | null;
}

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

@ArgsType()
export class FamiliesArgs extends PageArgs {
  @Field(() => String, {
    nullable: true,
    description:
      "Case-insensitive text found in the family's name or its guardians' names, emails or phones.",
  })
  search?: string | null;
}
