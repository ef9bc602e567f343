import { Field, InputType } from 'type-graphql';
import { TenantType } from '../directory/tenant.types';
import { ServiceType } from '../facilities/facility.types';
import { IdField, TextField } from '../graphql/inputs';
import { payloadType } from '../graphql/payload';
import { OperatingMode } from '../tenants/tenant.entity';

@InputType('SetOperatingModeInput', {
  description: 'Switch the tenant, or one service, to an operating mode.',
})
export class SetOperatingModeInput {
  @Field(() => OperatingMode, {
    nullable: true,
    description: "The new mode. With serviceId, null returns the service to the tenant's mode.",
  })
  mode!: OperatingMode | null;

  @IdField('Service', { nullable: true, description: 'Only this service; the whole tenant when omitted.' })
  serviceId?: string | null;

  @TextField({
    nullable: true,
    maxLength: 2000,
    description:
      "Notice for families (banner), at most 2000 characters: the service's own (`Service.publicNotice`) with serviceId, shown beside the tenant's; the tenant's otherwise. Omitted: unchanged; empty: cleared.",
  })
  notice?: string | null;

  @TextField({ maxLength: 500, description: 'Why (kept in the audit trail), at most 500 characters.' })
  reason!: string;
}

export const SetOperatingModePayload = payloadType('SetOperatingModePayload', 'Result of setOperatingMode.', {
  tenant: { type: () => TenantType, description: 'The tenant, with its mode and notice.' },
  service: { type: () => ServiceType, nullable: true, description: 'The service, when one was changed.' },
});
