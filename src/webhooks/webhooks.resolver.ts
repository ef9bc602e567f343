import { Arg, Args, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Access } from '../graphql/access';
import type { GraphQLContext } from '../graphql/context';
import { PageArgs, toConnection, type ConnectionShape } from '../graphql/connection';
import { ListLength } from '../graphql/cost';
import { registerNode } from '../graphql/node';
import { afterCommit } from '../graphql/payload';
import { DateTime } from '../graphql/scalars';
import { msg, render } from '../shared/i18n';
import { toGlobalId } from '../shared/ids';
import { paginate, sql } from '../shared/pagination';
import { eventBody } from './delivery';
import { WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint } from './webhook.entity';
import {
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  DeleteWebhookEndpointInput,
  DeleteWebhookEndpointPayload,
  RedeliverWebhookEventInput,
  RedeliverWebhookEventPayload,
  WEBHOOK_MANAGERS,
  WebhookDeliveryConnection,
  WebhookDeliveryType,
  WebhookEndpointType,
  WebhookEventGqlType,
  graphqlType,
  WebhookEventType,
  wireType,
} from './webhooks.types';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  redeliverWebhookEvent,
  visibleWebhookEndpoint,
} from './webhooks.service';

/** A delivery of an endpoint the viewer manages, with its event loaded; or null. */
async function visibleDelivery(ctx: GraphQLContext, id: string): Promise<WebhookDelivery | null> {
  const delivery = await ctx.em.findOne(WebhookDelivery, { id });
  return delivery && (await visibleWebhookEndpoint(ctx, delivery.endpointId)) ? delivery : null;
}

registerNode({ typeName: 'WebhookEndpoint', entity: WebhookEndpoint, load: visibleWebhookEndpoint });
registerNode({ typeName: 'WebhookDelivery', entity: WebhookDelivery, load: visibleDelivery });

@Resolver(() => WebhookEndpointType)
export class WebhookEndpointResolver {
  @Access(WEBHOOK_MANAGERS)
  @ListLength(20)
  @Query(() => [WebhookEndpointType], {
    description:
      "The tenant's webhook endpoints, oldest first (at most 20): all of them for tenant admins, its own for a webhooks:manage key.",
  })
  webhookEndpoints(@Ctx() ctx: GraphQLContext): Promise<WebhookEndpoint[]> {
    return listWebhookEndpoints(ctx);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "Why it was disabled (the failures in a row and the last one's HTTP status or error), in the reader's language; null while active.",
  })
  disabledReason(@Root() endpoint: WebhookEndpoint, @Ctx() ctx: GraphQLContext): string | null {
    if (!endpoint.disabledAt || !endpoint.disabledReason) return null;
    return render(
      msg('webhook.disabled', { failures: endpoint.consecutiveFailures, last: endpoint.disabledReason }),
      ctx.language,
    );
  }

  @ListLength(10)
  @FieldResolver(() => [WebhookEventType], { description: 'The event types it receives.' })
  eventTypes(@Root() endpoint: WebhookEndpoint): WebhookEventType[] {
    return endpoint.eventTypes.map(graphqlType);
  }

  @FieldResolver(() => WebhookDeliveryConnection, {
    description: 'Its delivery log, newest first: one entry per event sent (and per redelivery).',
  })
  async deliveries(
    @Root() endpoint: WebhookEndpoint,
    @Args() args: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<WebhookDelivery>> {
    const page = await paginate(
      ctx.em,
      {
        entity: WebhookDelivery,
        table: 'webhook_deliveries',
        tenantId: ctx.tenant.id,
        orderBy: ['created_at', 'id'],
        direction: 'desc',
        where: [sql('t.endpoint_id = ?', endpoint.id)],
      },
      args,
    );
    return toConnection(page);
  }

  @Access(WEBHOOK_MANAGERS)
  @Mutation(() => CreateWebhookEndpointPayload, {
    description:
      'Register an endpoint for some event types. Its signing secret is in this answer only. Tenant admins, or a webhooks:manage key (which alone, with the admins, then manages it); at most 20 per tenant; audited. Retry-safe with idempotencyKey. Refusals: INVALID (url, eventTypes, too many).',
  })
  async createWebhookEndpoint(
    @Arg('input', { description: 'URL and event types.' }) input: CreateWebhookEndpointInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    let secret: string | null = null;
    const { value, userErrors } = await createWebhookEndpoint(
      ctx,
      { ...input, eventTypes: input.eventTypes.map(wireType) },
      (s) => (secret = s),
    );
    return {
      webhookEndpoint: afterCommit((read) =>
        value ? read.em.findOne(WebhookEndpoint, { id: value.webhookEndpointId }) : null,
      ),
      secret,
      userErrors,
    };
  }

  @Access(WEBHOOK_MANAGERS)
  @Mutation(() => DeleteWebhookEndpointPayload, {
    description:
      'Delete an endpoint and its delivery log: nothing more is sent to it. Tenant admins, or the key that registered it; audited. Refusal: NOT_FOUND.',
  })
  async deleteWebhookEndpoint(
    @Arg('input', { description: 'The endpoint.' }) input: DeleteWebhookEndpointInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await deleteWebhookEndpoint(ctx, input);
    return {
      deletedWebhookEndpointId: value ? toGlobalId('WebhookEndpoint', value.webhookEndpointId) : null,
      userErrors,
    };
  }

  @Access(WEBHOOK_MANAGERS)
  @Mutation(() => RedeliverWebhookEventPayload, {
    description:
      "Send a delivery's event to its endpoint again, now, as a new delivery (the old one stays in the log); enables the endpoint again if it was disabled. Refusal: NOT_FOUND.",
  })
  async redeliverWebhookEvent(
    @Arg('input', { description: 'The delivery.' }) input: RedeliverWebhookEventInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const { value, userErrors } = await redeliverWebhookEvent(ctx, input);
    return {
      delivery: afterCommit((read) => (value ? visibleDelivery(read, value.deliveryId) : null)),
      userErrors,
    };
  }
}

@Resolver(() => WebhookDeliveryType)
export class WebhookDeliveryResolver {
  @FieldResolver(() => DateTime, {
    nullable: true,
    description: 'When it will be tried next; null once settled.',
  })
  nextAttemptAt(@Root() delivery: WebhookDelivery): Date | null {
    return delivery.status === WebhookDeliveryStatus.PENDING ? delivery.nextAttemptAt : null;
  }

  @FieldResolver(() => WebhookEventGqlType, { description: 'The event.' })
  async event(@Root() delivery: WebhookDelivery, @Ctx() ctx: GraphQLContext): Promise<WebhookEventGqlType> {
    const event = (await ctx.loaders.webhookEventById.load(delivery.eventId))!;
    return {
      eventId: toGlobalId('WebhookEvent', event.id),
      type: graphqlType(event.type),
      occurredAt: event.occurredAt,
      body: eventBody({ ...event, occurred_at: event.occurredAt, tenant_slug: ctx.tenant.slug }),
    };
  }
}
