/**
 * `npm run check:consistency`: checks that every member's points balance equals the sum of their
 * durable points ledger entries (and the same for growth), that ledger seqs run 1..S without gaps and
 * that no orphaned entries are left. Prints each mismatch and a summary; exits 1 on any mismatch.
 *
 * Connects to MONGODB_URI when set, else starts the embedded engine on DATA_DIR the way the server
 * does (refused while a server holds DATA_DIR: stop it, or point MONGODB_URI at its engine). Entries
 * written in the last minute count as in flight, not as orphans.
 */
import mongoose from 'mongoose';
import type { LedgerMismatch } from '../server/src/db/sequenced-ledger';
import { createMembershipService } from '../server/src/modules/membership/membership.service';
import { createPointsService } from '../server/src/modules/points/points.service';
import { runScript, say, withDatabase } from './with-database';

function printMismatches(ledger: string, mismatches: LedgerMismatch[]) {
  for (const mismatch of mismatches) {
    say(
      `  ${ledger} member ${mismatch.memberId}: balance ${mismatch.balance}, ledger sum ${mismatch.ledgerSum}, seq ${mismatch.seq}, ` +
        `durable entries ${mismatch.entries}, orphans ${mismatch.orphans} — ${mismatch.problems.join('; ')}`,
    );
  }
}

runScript('check-consistency', () =>
  withDatabase(async ({ config }) => {
    const points = createPointsService();
    const membership = createMembershipService({ points });
    const pointsReport = await points.checkConsistency({ orphanGraceMs: 60_000 });
    const growthReport = await membership.checkGrowthConsistency({ orphanGraceMs: 60_000 });
    const members = await mongoose.connection.db!.collection('members').countDocuments({});
    say(`Checked ${members} members in database ${config.DB_NAME}.`);
    printMismatches('points', pointsReport.mismatches);
    printMismatches('growth', growthReport.mismatches);
    const total = pointsReport.mismatches.length + growthReport.mismatches.length;
    say(
      total === 0
        ? 'OK: every points and growth balance equals its ledger.'
        : `MISMATCH: ${pointsReport.mismatches.length} points and ${growthReport.mismatches.length} growth accounts disagree with their ledgers.`,
    );
    return total === 0 ? 0 : 1;
  }),
);
