/** The task catalog: built-in tasks with what operators changed (cached a few seconds), and its admin. */
import { type AdminTask, type AdminTaskUpdate, TASK_CODES, type TaskCode } from '@siyu/shared';
import { cachedValue } from '../../db/cached-value';
import { AppError, isDuplicateKey } from '../../http/errors';
import { recordAudit } from '../audit/audit.service';
import { BUILT_IN_TASKS } from './task-catalog';
import { CACHE_MS, iso, normalizeFollowCode, type TaskSettings } from './task-rules';
import { TaskConfig, type TaskConfigDoc } from './tasks.model';

export function createTaskSettings(options: { clock: () => Date }) {
  const { clock } = options;
  const cached = cachedValue(loadCatalog, CACHE_MS);
  const catalog = () => cached.get();

  async function loadCatalog(): Promise<Map<TaskCode, TaskSettings>> {
    const stored = new Map(
      (await TaskConfig.find({}).lean<TaskConfigDoc[]>()).map((doc) => [doc._id as TaskCode, doc] as const),
    );
    const tasks = new Map<TaskCode, TaskSettings>();
    for (const code of TASK_CODES) {
      const doc = stored.get(code);
      const builtIn = BUILT_IN_TASKS[code];
      tasks.set(code, {
        code,
        title: doc?.title ?? builtIn.title,
        description: doc?.description ?? builtIn.description,
        points: doc?.points ?? builtIn.points,
        frequency: builtIn.frequency,
        monthlyCap: doc ? (doc.monthlyCap ?? null) : builtIn.monthlyCap,
        enabled: doc?.enabled ?? builtIn.enabled,
        streakBonusPoints: doc ? (doc.streakBonusPoints ?? null) : builtIn.streakBonusPoints,
        followCode: doc?.followCode ?? null,
        updatedAt: doc?.updatedAt ?? null,
      });
    }
    return tasks;
  }

  async function task(code: TaskCode): Promise<TaskSettings> {
    return (await catalog()).get(code)!;
  }

  async function enabledTask(code: TaskCode): Promise<TaskSettings> {
    const settings = await task(code);
    if (!settings.enabled) throw new AppError('conflict', 'task_disabled', '该任务暂未开放');
    return settings;
  }

  const settings = {
    catalog,
    task,
    enabledTask,

    // ---------- admin: the catalog ----------

    async listTasks(): Promise<AdminTask[]> {
      const tasks = await catalog();
      return TASK_CODES.map((code) => {
        const settings = tasks.get(code)!;
        return {
          code,
          title: settings.title,
          description: settings.description,
          points: settings.points,
          frequency: settings.frequency,
          monthlyCap: settings.monthlyCap,
          enabled: settings.enabled,
          streakBonusPoints: code === 'daily-checkin' ? (settings.streakBonusPoints ?? 0) : null,
          codeSet: code === 'follow-official-account' ? settings.followCode !== null : null,
          updatedAt: iso(settings.updatedAt),
        };
      });
    },

    async updateTask(adminId: string, code: TaskCode, input: AdminTaskUpdate, now: Date = clock()) {
      if (input.streakBonusPoints !== undefined && code !== 'daily-checkin') {
        throw new AppError('bad_request', 'task_field_not_applicable', '只有每日签到可以设置连续签到奖励');
      }
      const builtIn = BUILT_IN_TASKS[code];
      await TaskConfig.updateOne(
        { _id: code },
        {
          $set: {
            title: input.title,
            description: input.description,
            points: input.points,
            enabled: input.enabled,
            ...(input.monthlyCap !== undefined ? { monthlyCap: input.monthlyCap } : {}),
            ...(input.streakBonusPoints !== undefined ? { streakBonusPoints: input.streakBonusPoints } : {}),
            updatedAt: now,
          },
          $setOnInsert: {
            frequency: builtIn.frequency,
            ...(input.monthlyCap === undefined ? { monthlyCap: builtIn.monthlyCap } : {}),
            ...(input.streakBonusPoints === undefined ? { streakBonusPoints: builtIn.streakBonusPoints } : {}),
          },
        },
        { upsert: true },
      );
      cached.clear();
      await recordAudit({
        admin: adminId,
        action: 'task.update',
        target: { type: 'task', id: code },
        changes: input,
      });
      return (await settings.listTasks()).find((item) => item.code === code)!;
    },

    /** Rotates the follow-official-account code: from now on only this one works. */
    async setFollowCode(adminId: string, code: string, now: Date = clock()): Promise<void> {
      const builtIn = BUILT_IN_TASKS['follow-official-account'];
      await TaskConfig.updateOne(
        { _id: 'follow-official-account' },
        {
          $set: { followCode: normalizeFollowCode(code), followCodeSetAt: now, updatedAt: now },
          $setOnInsert: {
            title: builtIn.title,
            description: builtIn.description,
            points: builtIn.points,
            frequency: builtIn.frequency,
            monthlyCap: builtIn.monthlyCap,
            enabled: builtIn.enabled,
            streakBonusPoints: builtIn.streakBonusPoints,
          },
        },
        { upsert: true },
      );
      cached.clear();
      await recordAudit({
        admin: adminId,
        action: 'task.follow_code',
        target: { type: 'task', id: 'follow-official-account' },
        changes: { rotatedAt: now },
      });
    },

    /** Writes the built-in tasks that are not stored yet (seed; repeatable). */
    async ensureCatalog(): Promise<number> {
      let inserted = 0;
      for (const code of TASK_CODES) {
        const result = await TaskConfig.updateOne(
          { _id: code },
          { $setOnInsert: { ...BUILT_IN_TASKS[code], updatedAt: null } },
          { upsert: true },
        ).catch((error) => {
          if (isDuplicateKey(error)) return { upsertedCount: 0 };
          throw error;
        });
        inserted += result.upsertedCount ?? 0;
      }
      cached.clear();
      return inserted;
    },
  };
  return settings;
}

export type TaskSettingsService = ReturnType<typeof createTaskSettings>;
