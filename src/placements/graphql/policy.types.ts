import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { Access, TENANT_ADMIN } from '../../graphql/access';

/** The tenant's placement rules: setPlacementPolicy's input and answer. */
@InputType('SetPlacementPolicyInput', {
  description: 'The tenant’s placement rules; omitted fields keep their value.',
})
export class SetPlacementPolicyInput {
  @Field(() => Int, { nullable: true, description: 'Most facilities an application may list (1 to 20).' })
  maxPreferences?: number;
  @Field(() => Int, { nullable: true, description: 'Days a family has to answer an offer (1 to 60).' })
  offerDays?: number;
  @Field(() => Int, {
    nullable: true,
    description: 'Days from an urgency’s proof by which a place must be offered (1 to 365).',
  })
  urgentDeadlineDays?: number;
  @Field({
    nullable: true,
    description:
      'Whether declining an offer withdraws the application (else it stays at the other facilities).',
  })
  declineWithdraws?: boolean;
  @Field(() => Int, {
    nullable: true,
    description:
      'A flat monthly fee per placement in minor units (null: the facility’s price grid by quotient).',
  })
  monthlyFee?: number | null;
}

@Access(TENANT_ADMIN)
@ObjectType('PlacementPolicy', {
  description: 'The tenant’s placement rules, as setPlacementPolicy returns them.',
})
export class PlacementPolicyType {
  @Field(() => Int, { description: 'Most facilities an application may list.' })
  maxPreferences!: number;
  @Field(() => Int, { description: 'Days a family has to answer an offer.' })
  offerDays!: number;
  @Field(() => Int, { description: 'Days from an urgency’s proof by which a place must be offered.' })
  urgentDeadlineDays!: number;
  @Field({ description: 'Whether declining an offer withdraws the application.' })
  declineWithdraws!: boolean;
  @Field(() => Int, { nullable: true, description: 'Flat monthly fee per placement (minor units), or null.' })
  monthlyFee!: number | null;
}
