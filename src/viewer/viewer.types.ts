import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Role, Scope } from '../auth/viewer';
import { Access, PUBLIC } from '../graphql/access';

registerEnumType(Role, {
  name: 'Role',
  description: "A person's role inside a tenant.",
  valuesConfig: {
    PARENT: { description: 'A parent acting for their own family.' },
    AGENT: { description: 'Municipal staff: counter agents, canteen staff.' },
    TENANT_ADMIN: { description: "Administrator of the tenant's configuration." },
  },
});

export enum ViewerKindEnum {
  ANONYMOUS = 'ANONYMOUS',
  PERSON = 'PERSON',
  API_KEY = 'API_KEY',
}
registerEnumType(ViewerKindEnum, {
  name: 'ViewerKind',
  description: 'What kind of caller this is.',
  valuesConfig: {
    ANONYMOUS: { description: 'No credentials: only the public directory is readable.' },
    PERSON: { description: 'A person with a bearer token.' },
    API_KEY: { description: 'A vendor integration with an API key.' },
  },
});

@Access(PUBLIC)
@ObjectType('Viewer', { description: 'The caller of this request.' })
export class ViewerType {
  @Field(() => ViewerKindEnum, { description: 'Kind of caller.' })
  kind!: ViewerKindEnum;

  @Field(() => String, { nullable: true, description: 'Name of the person or of the API key.' })
  displayName!: string | null;

  @Field(() => [Role], { description: 'Roles inside the tenant (none for API keys).' })
  roles!: Role[];

  @Field(() => [String], { description: `Scopes of an API key (${Object.values(Scope).join(', ')}).` })
  scopes!: string[];
}
