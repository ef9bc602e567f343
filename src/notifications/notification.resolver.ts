import { msg, render } from '../shared/i18n';
import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { Family } from '../families/family.entity';
import { canSeeFamily } from '../families/families.service';
import { FAMILY_READERS, FamilyType } from '../families/family.types';
import { Access } from '../graphql/access';
import { toConnection, type ConnectionShape } from '../graphql/connection';
import type { GraphQLContext } from '../graphql/context';
import { registerNode } from '../graphql/node';
import { userError, UserErrorCode } from '../shared/user-errors';
import { Notification } from './notification.entity';
import {
  MarkNotificationsReadInput,
  MarkNotificationsReadPayload,
  NotificationConnection,
  NotificationsArgs,
  NotificationType,
} from './notification.types';
import { markRead } from './notifications.service';

registerNode({
  typeName: 'Notification',
  entity: Notification,
  load: async (ctx, id) => {
    const notification = await ctx.em.findOne(Notification, { id });
    return notification && canSeeFamily(ctx, notification.familyId) ? notification : null;
  },
});

@Resolver(() => NotificationType)
export class NotificationResolver {
  @FieldResolver(() => String, {
    description:
      "The text for people, in the reader's language (the tenant's, or the one Accept-Language asks for), instants in the tenant's time zone.",
  })
  message(@Root() notification: Notification, @Ctx() ctx: GraphQLContext): string {
    return notification.content ? render(notification.content, ctx.language) : notification.message;
  }

  @Access({ parents: true })
  @Mutation(() => MarkNotificationsReadPayload, {
    description:
      "A parent marks their family's notifications read: those named, or all. Marking one already read changes nothing (safe to repeat).",
  })
  async markNotificationsRead(
    @Arg('input', { description: 'Which notifications.' }) input: MarkNotificationsReadInput,
    @Ctx() ctx: GraphQLContext,
  ) {
    const familyId = ctx.viewer.familyId;
    if (!familyId) {
      return {
        marked: 0,
        userErrors: [userError(UserErrorCode.NOT_ALLOWED, msg('notifications.parentsOnly'))],
      };
    }
    const marked = await markRead(
      ctx,
      familyId,
      input.notificationIds?.length ? input.notificationIds : null,
    );
    return { marked, userErrors: [] };
  }
}

@Resolver(() => FamilyType)
export class FamilyNotificationsResolver {
  @Access(FAMILY_READERS)
  @FieldResolver(() => NotificationConnection, {
    description:
      "The family's notification log, newest first (offers made or expiring, auto-bookings, expired offers, reviewed priorities): the family, staff, and families:read keys (to forward them).",
  })
  async notifications(
    @Root() family: Family,
    @Args() args: NotificationsArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ConnectionShape<Notification>> {
    return toConnection(
      await ctx.loaders.notificationPagesByFamilyId.load({ parentId: family.id, args: { ...args } }),
    );
  }

  @Access(FAMILY_READERS)
  @FieldResolver(() => Int, { description: 'How many of its notifications the family has not read.' })
  unreadNotificationCount(@Root() family: Family, @Ctx() ctx: GraphQLContext): Promise<number> {
    return ctx.loaders.unreadNotificationsByFamilyId.load(family.id);
  }
}
