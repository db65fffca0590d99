/** Crediting task rewards through the points ledger: once per member, or under a monthly cap. */

import type { TaskClaimResponse } from '@siyu/shared';
import { AppError } from '../../http/errors';
import { activeMember } from '../identity/active-member';
import type { PointsService } from '../points/points.service';
import { monthStart, sourceType, type TaskSettings } from './task-rules';

export function createTaskRewards(deps: { points: PointsService }) {
  const { points } = deps;
  /** Credits a once-per-member task; a repeat is a 409 (the reward was already given). */
  async function claimOnce(memberId: string, settings: TaskSettings, note: string, now: Date) {
    const result = await points.apply(
      {
        memberId,
        delta: settings.points,
        kind: 'task',
        source: { type: sourceType(settings.code), id: memberId },
        note,
      },
      now,
    );
    if (!result.created) throw new AppError('conflict', 'task_already_claimed', '该任务奖励已领取');
    return {
      task: settings.code,
      pointsAwarded: result.entry.delta,
      balance: await points.balance(memberId),
    } satisfies TaskClaimResponse;
  }

  /** A credit under a monthly cap: past the cap a zero entry records the decision (the cause is spent). */
  async function creditCapped(
    input: { memberId: string; settings: TaskSettings; causeId: string; note: string },
    now: Date,
  ) {
    const { settings } = input;
    return points.applyComputed(
      { memberId: input.memberId, kind: 'task', source: { type: sourceType(settings.code), id: input.causeId } },
      async (state, memberId) => {
        if (settings.monthlyCap !== null) {
          const used = await points.countCredits(
            { memberId, kind: 'task', sourceType: sourceType(settings.code), since: monthStart(now) },
            state,
          );
          if (used >= settings.monthlyCap) return { delta: 0, note: `${input.note}（本月奖励已达上限）` };
        }
        return { delta: settings.points, note: input.note };
      },
      now,
    );
  }

  return { activeMember, claimOnce, creditCapped };
}

export type TaskRewards = ReturnType<typeof createTaskRewards>;
