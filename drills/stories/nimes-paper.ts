import { parse } from 'csv-parse/sync';
import { mutate, read } from '../support/client';
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

const CONFLICTS = `query { attendanceConflicts(first: 50, status: OPEN) { nodes { id marks { deviceId present } } } }`;
const RESOLVE = `mutation($i: ResolveAttendanceConflictInput!) { resolveAttendanceConflict(input: $i) {
  conflict { status } userErrors { code message } } }`;

/**
 * The offline day of another school (issue #15): its roll taken on two tablets without network,
 * each action stamped with the device and the instant, the journal carried on a USB stick and
 * imported (`POST /imports/attendance-journal`) — twice, the second changing nothing. On the first
 * such day the second tablet marks one child absent whom the first saw eat: a conflict the import
 * reports and never settles by itself; an agent resolves it (audited). Returns the children present.
 */
export async function tabletJournal(
  world: World,
  agent: string,
  lunch: Lunch,
  present: string[],
  firstDay: boolean,
): Promise<number> {
  const at = world.clock().getTime() - 30 * 60_000;
  const stamp = (i: number) => new Date(at + i * 1000).toISOString();
  const header = 'appareil;action_id;horodatage;seance_id;enfant_id;ref_enfant;nom;prenom;action';
  const lines = present.map(
    (child, i) => `tablette-hall;${lunch.date}-${i};${stamp(i)};${lunch.session};${child};;;;WALK_IN`,
  );
  // The dining room's tablet saw the first child leave before eating: it says absent, later.
  if (firstDay && present.length)
    lines.push(
      `tablette-cantine;${lunch.date}-0;${stamp(present.length + 60)};${lunch.session};${present[0]};;;;ABSENT`,
    );
  const journal = [header, ...lines].join('\n');
  const send = async () =>
    (await (
      await http(world, agent, '/imports/attendance-journal?mode=ALL_OR_NOTHING', journal)
    ).json()) as any;
  const first = (await send()).import;
  if (first.status !== 'COMPLETED' || first.rejected)
    throw new Error(`${lunch.date} tablet journal: ${JSON.stringify(first.errors ?? first).slice(0, 300)}`);
  if (first.conflicts !== (firstDay && present.length ? 1 : 0))
    throw new Error(`${lunch.date} tablet journal: ${first.conflicts} conflicts reported`);
  const second = (await send()).import;
  if (second.status !== 'COMPLETED' || second.created || second.updated)
    throw new Error(
      `${lunch.date} journal sent twice changed something: ${JSON.stringify(second).slice(0, 300)}`,
    );
  if (firstDay && present.length) {
    const open = (await read(world.url, agent, CONFLICTS)).attendanceConflicts.nodes as any[];
    if (open.length !== 1 || open[0].marks.length !== 2)
      throw new Error(`open conflicts: ${JSON.stringify(open).slice(0, 300)}`);
    const resolved = await mutate(world.url, agent, 'resolveAttendanceConflict', RESOLVE, {
      i: {
        conflictId: open[0].id,
        present: true,
        reason: 'Drill : vu à table par la surveillante',
        idempotencyKey: `nimes-conflict-${open[0].id}`,
      },
    });
    if (resolved.conflict?.status !== 'RESOLVED') throw new Error(`resolve: ${JSON.stringify(resolved)}`);
  }
  return present.length;
}
