import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import type pino from 'pino';
import type { Tenant } from '../tenants/tenant.entity';
import { listTenants } from '../tenants/tenants.service';

/** The channel the tenants table's trigger notifies at COMMIT (migration DirectoryNotify). */
export const DIRECTORY_CHANNEL = 'guichet_directory';

/**
 * The public directory (`tenants`), kept in memory: during an outage every portal polls it for
 * its banner, so it must cost no query. It is dropped when PostgreSQL says the tenants table
 * changed (LISTEN on `guichet_directory`, notified at COMMIT by a trigger, whichever replica made
 * the change), after each mutation this process commits (its own change is seen by its next read
 * without waiting for the notification), and after `ttlMs` in any case. While the listening connection is down (PostgreSQL
 * restarting), nothing is cached: every read goes to the database until it is back.
 */
export class DirectoryCache {
  private rows: { tenants: Tenant[]; at: number } | null = null;
  private client: Client | null = null;
  private listening = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  /** Bumped by each invalidation: a read started before it never stores its (older) answer. */
  private generation = 0;

  constructor(
    private readonly url: string,
    private readonly ttlMs: number,
    private readonly logger: pino.Logger,
  ) {}

  /** Starts listening (again after a lost connection, every second until it works). */
  async start(): Promise<void> {
    if (this.closed || this.ttlMs <= 0) return;
    const client = new Client({ connectionString: this.url });
    const lost = (error?: Error) => {
      if (this.client !== client) return;
      this.client = null;
      this.listening = false;
      this.invalidate();
      client.end().catch(() => undefined);
      if (error)
        this.logger.warn({ err: error }, 'directory cache: notifications lost, reading the database');
      if (!this.closed) this.retry = setTimeout(() => void this.start(), 1000);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', () => this.invalidate());
    this.client = client;
    try {
      await client.connect();
      await client.query(`listen ${DIRECTORY_CHANNEL}`);
      this.listening = true;
    } catch (error) {
      lost(error as Error);
    }
  }

  invalidate(): void {
    this.generation++;
    this.rows = null;
  }

  /** The directory, from memory when it is known to be current, else from `em` (and kept). */
  async list(em: EntityManager): Promise<Tenant[]> {
    const now = Date.now();
    if (this.listening && this.rows && now - this.rows.at < this.ttlMs) return this.rows.tenants;
    const generation = this.generation;
    const tenants = await listTenants(em);
    if (this.listening && generation === this.generation) this.rows = { tenants, at: now };
    return tenants;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    this.listening = false;
    await client?.end().catch(() => undefined);
  }
}
