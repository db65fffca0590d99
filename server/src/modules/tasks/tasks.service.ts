/**
 * Points tasks. Every reward goes through the points ledger with the source
 * `{ type: 'task:<code>', id: <the cause> }`, so each cause pays once however often it is claimed:
 *   daily-checkin            <member>:<Shanghai day>   (a unique check-in record per member and day)
 *   complete-profile         <member>
 *   first-order              <member>
 *   invite-friend            <invitee>                 (credited to the inviter, monthly cap)
 *   review-screenshot        <submission>              (one reward per platform order, across members)
 *   follow-official-account  <member>
 * Caps are counted inside the ledger write, against the balance the entry is guarded by, so two
 * concurrent credits cannot both slip under a cap.
 */
import type { PointsService } from '../points/points.service';
import type { UploadsService } from '../uploads/uploads.service';
import { createCheckins } from './checkins';
import { createReviewScreenshots } from './review-screenshots';
import { createTaskCards } from './task-cards';
import { createTaskRewards } from './task-rewards';
import { createTaskSettings } from './task-settings';

export { missingProfileFields, type TaskSettings } from './task-rules';

export interface TasksServiceOptions {
  points: PointsService;
  uploads: UploadsService;
  clock?: () => Date;
}

/** Composes the task services along their seams: settings, task cards, check-in, review screenshots. */
export function createTasksService(options: TasksServiceOptions) {
  const { points, uploads } = options;
  const clock = options.clock ?? (() => new Date());
  const settings = createTaskSettings({ clock });
  const rewards = createTaskRewards({ points });
  const { streakOn: _streakOn, ...checkins } = createCheckins({ points, settings, rewards, clock });
  const reviews = createReviewScreenshots({ points, uploads, settings, rewards, clock });
  const cards = createTaskCards({ points, settings, rewards, checkins: { ...checkins, streakOn: _streakOn }, clock });
  const { catalog: _catalog, task: _task, enabledTask: _enabledTask, ...admin } = settings;
  return { ...cards, ...checkins, ...reviews, ...admin };
}

export type TasksService = ReturnType<typeof createTasksService>;
