import { Migration } from '@mikro-orm/migrations';

/**
 * A notification keeps its message as a catalogue key with parameters (`content`), so each reader
 * gets it in their language (the tenant's, or the one Accept-Language asks for); `message` keeps
 * the text in the tenant's language at the time, for forwarding and for the rows written before.
 */
export class Migration20261203010000NotificationMessages extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table notifications add column content jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table notifications drop column content;`);
  }
}
