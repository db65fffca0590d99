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
  // The invariant of the sequenced ledger, checked with the driver: every balance equals its ledger's
  // sum, and the per-member sequence equals the number of entries (no entry lost or doubled).
  const { db, close } = await database(uri, api.dbName);
  const sums = await db
    .collection('points_ledger')
    .aggregate<{ _id: Types.ObjectId; sum: number; entries: number }>([
      { $group: { _id: '$member', sum: { $sum: '$delta' }, entries: { $sum: 1 } } },
    ])
    .toArray();
  const byMember = new Map(sums.map((row) => [row._id.toString(), row]));
  let mismatches = 0;
  for (const member of members) {
    const doc = await db.collection('members').findOne({ _id: new Types.ObjectId(member.id) });
    const ledger = byMember.get(member.id);
    if ((doc?.pointsBalance ?? 0) !== (ledger?.sum ?? 0) || (doc?.pointsSeq ?? 0) !== (ledger?.entries ?? 0)) {
      mismatches++;
    }
  }
  const entries = sums.reduce((total, row) => total + row.entries, 0);
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
