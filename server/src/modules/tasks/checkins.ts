/** Daily check-in: one record per member and Shanghai day, a streak, the 7th-day bonus, the calendar. */
import { dayjs, SHOP_TIMEZONE, type StoreCheckins, shopDay, type TaskClaimResponse } from '@siyu/shared';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import type { PointsService } from '../points/points.service';
import { CHECKIN_BONUS_EVERY } from './task-catalog';
import type { TaskRewards } from './task-rewards';
import { sourceType } from './task-rules';
import type { TaskSettingsService } from './task-settings';
import { Checkin, type CheckinDoc } from './tasks.model';

export function createCheckins(deps: {
  points: PointsService;
  settings: TaskSettingsService;
  rewards: TaskRewards;
  clock: () => Date;
}) {
  const { points, clock } = deps;
  const { task, enabledTask } = deps.settings;
  const { activeMember } = deps.rewards;
  /** Today's and yesterday's check-in records (Shanghai days), in one read. */
  async function recentCheckins(memberId: string, now: Date) {
    const day = shopDay(now);
    const yesterday = shopDay(dayjs(now).tz(SHOP_TIMEZONE).subtract(1, 'day').toDate());
    const recent = await Checkin.find({ member: memberId, day: trustedOperators({ $in: [day, yesterday] }) }).lean<
      CheckinDoc[]
    >();
    return {
      day,
      today: recent.find((record) => record.day === day),
      yesterday: recent.find((record) => record.day === yesterday),
    };
  }

  async function streakOn(memberId: string, now: Date): Promise<{ streak: number; checkedInToday: boolean }> {
    const { today, yesterday } = await recentCheckins(memberId, now);
    if (today) return { streak: today.streak, checkedInToday: true };
    return { streak: yesterday?.streak ?? 0, checkedInToday: false };
  }

  return {
    streakOn,
    /**
     * One check-in per member per Shanghai day: the unique (member, day) record decides which of many
     * concurrent taps is the check-in (200); the others answer 409. Every caller makes sure the day's
     * points are booked (keyed by member+day), so a crash after the record is repaired by the next tap.
     */
    async checkIn(memberId: string, now: Date = clock()): Promise<TaskClaimResponse> {
      const settings = await enabledTask('daily-checkin');
      await activeMember(memberId);
      // Yesterday's record (the streak) and today's (a repeated tap) in one read.
      const { day, today, yesterday: previous } = await recentCheckins(memberId, now);
      let record = today;
      let first = false;
      if (!record) {
        try {
          record = (
            await Checkin.create({ member: memberId, day, streak: (previous?.streak ?? 0) + 1, createdAt: now })
          ).toObject() as CheckinDoc;
          first = true;
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
          record = (await Checkin.findOne({ member: memberId, day }).lean<CheckinDoc>())!;
        }
      }
      const bonus = record.streak % CHECKIN_BONUS_EVERY === 0 ? (settings.streakBonusPoints ?? 0) : 0;
      const result = await points.apply(
        {
          memberId,
          delta: settings.points + bonus,
          kind: 'task',
          source: { type: sourceType('daily-checkin'), id: `${memberId}:${day}` },
          note: bonus ? `每日签到（连续 ${record.streak} 天，额外奖励 ${bonus}）` : '每日签到',
        },
        now,
      );
      if (!first) throw new AppError('conflict', 'already_checked_in', '今天已经签到过了，明天再来');
      return {
        task: 'daily-checkin',
        pointsAwarded: result.entry.delta,
        // The balance right after this credit (what the member just earned it into).
        balance: result.entry.balanceAfter,
        streak: record.streak,
        bonusPoints: bonus,
      };
    },

    async checkins(memberId: string, month: string, now: Date = clock()): Promise<StoreCheckins> {
      const settings = await task('daily-checkin');
      const records = await Checkin.find(
        { member: memberId, day: trustedOperators({ $gte: `${month}-01`, $lte: `${month}-31` }) },
        { day: 1 },
      )
        .sort({ day: 1 })
        .lean<CheckinDoc[]>();
      const { streak, checkedInToday } = await streakOn(memberId, now);
      return {
        month,
        days: records.map((record) => record.day),
        streak,
        checkedInToday,
        bonusEvery: CHECKIN_BONUS_EVERY,
        bonusPoints: settings.streakBonusPoints ?? 0,
      };
    },
  };
}

export type Checkins = ReturnType<typeof createCheckins>;
