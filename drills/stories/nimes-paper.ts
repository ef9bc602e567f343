import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { World } from '../support/world';

/** A school's lunch of the day, as the Nîmes story plans it. */
export interface Lunch {
  school: string;
  pupils: string[];
  date: string;
  session: string;
}

async function http(world: World, token: string, path: string, body?: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${world.base}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'text/csv' }),
      },
      body,
    }).catch((error: Error) => error);
    // The API restarting (--chaos): the agent sends the same sheet again (it is idempotent).
    if (res instanceof Error || res.status === 503) {
      if (attempt > 60) throw res instanceof Error ? res : new Error(`${path}: 503 for a minute`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
    return res;
  }
}

/**
 * The paper day of one school (issue #15's continuity pack): the morning's roll sheet as a
 * spreadsheet (`GET /documents/rolls/<date>.csv?facilityId=…`, printed before the network went),
 * filled at noon — the children who came written on the blank lines as walk-ins (nobody could book
 * during the outage) — then typed back in (`POST /imports/attendance`) and, as happens with paper,
 * sent a second time: the second import must change nothing. Returns the children recorded present.
 */
export async function paperRoll(
  world: World,
  agent: string,
  lunch: Lunch,
  present: string[],
): Promise<number> {
  const sheet = await (
    await http(
      world,
      agent,
      `/documents/rolls/${lunch.date}.csv?facilityId=${encodeURIComponent(lunch.school)}`,
    )
  ).text();
  const rows = parse(sheet.replace(/^\uFEFF/, ''), { delimiter: ';', columns: true }) as Record<
    string,
    string
  >[];
  const blank = rows.find((r) => r.seance_id === lunch.session && !r.enfant_id);
  if (!blank) throw new Error(`the roll sheet of ${lunch.date} has no line for the lunch`);
  const booked = new Set(
    rows.filter((r) => r.seance_id === lunch.session && r.enfant_id).map((r) => r.enfant_id),
  );
  const filled = [
    // The booked children ticked, the others who came written on blank lines.
    ...rows
      .filter((r) => r.seance_id === lunch.session && r.enfant_id)
      .map((r) => ({ ...r, present: present.includes(r.enfant_id) ? 'P' : 'A' })),
    ...present
      .filter((child) => !booked.has(child))
      .map((child) => ({ ...blank, enfant_id: child, present: 'P' })),
  ];
  const csv = stringify(filled, { header: true, delimiter: ';', columns: Object.keys(rows[0]) });
  const send = async () =>
    (await (await http(world, agent, '/imports/attendance?mode=ALL_OR_NOTHING', csv)).json()) as any;
  const first = (await send()).import;
  if (first.status !== 'COMPLETED' || first.rejected)
    throw new Error(`${lunch.date} paper roll: ${JSON.stringify(first.errors ?? first).slice(0, 300)}`);
  const second = (await send()).import;
  if (second.status !== 'COMPLETED' || second.created || second.updated)
    throw new Error(
      `${lunch.date} paper roll sent twice changed something: ${JSON.stringify(second).slice(0, 300)}`,
    );
  return present.length;
}
