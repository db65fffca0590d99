/**
 * Benchmark 4: 1,000 members check in at once (POST /api/tasks/daily-checkin/claim), then every points
 * balance is checked against its ledger in the database.
 */
import { Types } from 'mongoose';
import { database, json, loginMembers, mark, measure, type RunningApi, type Table } from './harness';

const MEMBERS = 1000;

export async function checkinsBenchmark(api: RunningApi, uri: string): Promise<Table> {
  const members = await loginMembers(api.base, 'checkin', MEMBERS);
  const statuses = new Map<number, number>();
  const claim = await measure(MEMBERS, MEMBERS, async (i) => {
    const response = await json(api.base, 'POST', '/api/tasks/daily-checkin/claim', { token: members[i]!.token });
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    return response.status === 200 || response.status === 201;
  });
  // The same members again at once: a second check-in the same day credits nothing.
  const again = await measure(MEMBERS, MEMBERS, async (i) => {
    const response = await json(api.base, 'POST', '/api/tasks/daily-checkin/claim', { token: members[i]!.token });
    return response.status === 409 || response.status === 200;
  });
  // The invariant of the sequenced ledger, checked with the driver member by member (no aggregation:
  // FerretDB's `$group` is not trusted with sums, see docs/architecture.md): every balance equals the
  // sum of its ledger entries, and the per-member sequence equals their number (none lost or doubled).
  const { db, close } = await database(uri, api.dbName);
  let mismatches = 0;
  let entries = 0;
  for (const member of members) {
    const id = new Types.ObjectId(member.id);
    const [doc, rows] = await Promise.all([
      db.collection('members').findOne({ _id: id }, { projection: { pointsBalance: 1, pointsSeq: 1 } }),
      db
        .collection('points_ledger')
        .find({ member: id }, { projection: { delta: 1, seq: 1 } })
        .toArray(),
    ]);
    entries += rows.length;
    const sum = rows.reduce((total, row) => total + (row.delta as number), 0);
    const seqs = rows.map((row) => row.seq as number).sort((a, b) => a - b);
    const gapless = seqs.every((seq, index) => seq === index + 1);
    if ((doc?.pointsBalance ?? 0) !== sum || (doc?.pointsSeq ?? 0) !== rows.length || !gapless) mismatches++;
  }
  await close();
  const consistent = mismatches === 0;
  const summary = `${mismatches} of ${MEMBERS} balances differ from their ledger; ${entries} entries`;
  const codes = [...statuses].map(([code, count]) => `${code}×${count}`).join(' ');
  return {
    title: `4. ${MEMBERS.toLocaleString('en-US')} concurrent check-ins`,
    columns: ['step', 'requests', 'rate /s', 'p50 ms', 'p99 ms', 'answers', 'ledger consistency'],
    rows: [
      ['first check-in of the day, all at once', MEMBERS, claim.rate, claim.p50, claim.p99, codes, ''],
      [
        'the same members again, all at once',
        MEMBERS,
        again.rate,
        again.p50,
        again.p99,
        `${again.failed} unexpected`,
        '',
      ],
      ['balance = ledger sum, seq = entries', '', '', '', '', '', `${mark(consistent)} (${summary})`],
    ],
    notes: [`API RSS after the check-ins: ${await api.rssMb()} MB (goal < 300 MB)`],
  };
}
