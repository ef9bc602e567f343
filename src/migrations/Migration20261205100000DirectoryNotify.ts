import { Migration } from '@mikro-orm/migrations';

/**
 * Every change to the tenants table (a mode, a notice, the placement window, a new tenant)
 * notifies `guichet_directory` at COMMIT: each API process drops its cached public directory
 * (src/directory/directory-cache.ts) at once, whichever replica made the change.
 */
export class Migration20261205100000DirectoryNotify extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create function guichet_directory_changed() returns trigger
      language plpgsql as $$ begin perform pg_notify('guichet_directory', ''); return null; end $$;`);
    this.addSql(`create trigger tenants_directory_changed after insert or update or delete on tenants
      for each statement execute function guichet_directory_changed();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists tenants_directory_changed on tenants;`);
    this.addSql(`drop function if exists guichet_directory_changed();`);
  }
}
