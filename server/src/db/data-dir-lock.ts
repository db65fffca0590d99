/**
 * One API process per DATA_DIR: two processes on the same embedded engine files would corrupt them.
 * The lock is a pid file created exclusively; a lock left by a process that no longer runs is taken over.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export class DataDirInUseError extends Error {}

export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, 'siyu-mall.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: 'wx' });
      return async () => {
        const owner = await readFile(lockFile, 'utf8').catch(() => '');
        if (owner === String(process.pid)) await rm(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(await readFile(lockFile, 'utf8').catch(() => ''));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new DataDirInUseError(
          `DATA_DIR ${dataDir} is in use by another Siyu Mall process (pid ${owner}). Stop it first, or start this one with another DATA_DIR.`,
        );
      }
      await rm(lockFile, { force: true });
    }
  }
  throw new DataDirInUseError(`could not lock DATA_DIR ${dataDir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
