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
import { ConfigError, loadConfig } from '../server/src/config';
import '../server/src/db/connection';
import { DataDirInUseError, lockDataDir } from '../server/src/db/data-dir-lock';
import { type RunningEngine, startEngine } from '../server/src/db/engine';
import type { LedgerMismatch } from '../server/src/db/sequenced-ledger';
import { createMembershipService } from '../server/src/modules/membership/membership.service';
import { createPointsService } from '../server/src/modules/points/points.service';

const say = (line: string) => process.stdout.write(`${line}\n`);

function printMismatches(ledger: string, mismatches: LedgerMismatch[]) {
  for (const mismatch of mismatches) {
    say(
      `  ${ledger} member ${mismatch.memberId}: balance ${mismatch.balance}, ledger sum ${mismatch.ledgerSum}, seq ${mismatch.seq}, ` +
        `durable entries ${mismatch.entries}, orphans ${mismatch.orphans} — ${mismatch.problems.join('; ')}`,
    );
  }
}

async function main(): Promise<number> {
  const config = loadConfig();
  let engine: RunningEngine | undefined;
  let release: (() => Promise<void>) | undefined;
  try {
    let uri = config.MONGODB_URI;
    if (!uri) {
      release = await lockDataDir(config.dataDir);
      engine = await startEngine({
        engine: config.DB_ENGINE,
        ...(config.MONGOD_BIN ? { mongodBin: config.MONGOD_BIN } : {}),
        dataDir: config.dataDir,
        toolsDir: config.toolsDir,
        progress: (line) => say(`[engine] ${line}`),
      });
      uri = engine.uri;
    }
    // Read-only: no index builds, unlike the server's start.
    await mongoose.connect(uri, { dbName: config.DB_NAME, serverSelectionTimeoutMS: 5000, autoIndex: false });
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
  } finally {
    await mongoose.disconnect().catch(() => {});
    await engine?.stop();
    await release?.();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof ConfigError || error instanceof DataDirInUseError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`check-consistency failed: ${(error as Error).stack ?? error}\n`);
    process.exit(2);
  },
);
