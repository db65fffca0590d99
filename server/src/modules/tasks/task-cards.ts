/** The member's task cards (what to do next, what it pays), claims, invites, and the order-driven rewards. */
import { type StoreInvite, type StoreTask, TASK_CODES, type TaskClaimResponse, type TaskCode } from '@siyu/shared';
import { AppError, isDuplicateKey } from '../../http/errors';
import { Member, type MemberDoc } from '../identity/member.model';
import type { PointsService } from '../points/points.service';
import type { Checkins } from './checkins';
import { CHECKIN_BONUS_EVERY, INVITE_LANDING_PAGE } from './task-catalog';
import type { TaskRewards } from './task-rewards';
import { missingProfileFields, monthStart, normalizeFollowCode, sourceType } from './task-rules';
import type { TaskSettingsService } from './task-settings';
import { ReviewSubmission, TaskOrderReward } from './tasks.model';

export function createTaskCards(deps: {
  points: PointsService;
  settings: TaskSettingsService;
  rewards: TaskRewards;
  checkins: Checkins;
  clock: () => Date;
}) {
  const { points, checkins, clock } = deps;
  const { catalog, task, enabledTask } = deps.settings;
  const { activeMember, claimOnce, creditCapped } = deps.rewards;
  const { streakOn } = checkins;
  const cards = {
    // ---------- member ----------

    async listForMember(memberId: string, now: Date = clock()): Promise<StoreTask[]> {
      const member = await activeMember(memberId);
      const tasks = await catalog();
      const views: StoreTask[] = [];
      for (const code of TASK_CODES) {
        const settings = tasks.get(code)!;
        if (!settings.enabled) continue;
        const base = {
          code,
          title: settings.title,
          description: settings.description,
          points: settings.points,
          frequency: settings.frequency,
        };
        const credited = (id: string) => points.findEntry(memberId, 'task', { type: sourceType(code), id });
        switch (code) {
          case 'daily-checkin': {
            const { streak, checkedInToday } = await streakOn(memberId, now);
            views.push({
              ...base,
              status: checkedInToday ? 'done' : 'claimable',
              statusText: checkedInToday ? `今日已签到，已连续 ${streak} 天` : '今日未签到',
              action: checkedInToday ? { kind: 'none', label: '明天再来' } : { kind: 'claim', label: '签到' },
              progress: {
                streak,
                checkedInToday,
                bonusEvery: CHECKIN_BONUS_EVERY,
                bonusPoints: settings.streakBonusPoints ?? 0,
              },
            });
            break;
          }
          case 'complete-profile': {
            const done = await credited(memberId);
            const missing = missingProfileFields(member);
            views.push({
              ...base,
              status: done ? 'done' : missing.length ? 'incomplete' : 'claimable',
              statusText: done ? '已领取' : missing.length ? `还需完善：${missing.join('、')}` : '资料已完善，可领取',
              action: done
                ? { kind: 'none', label: '已完成' }
                : missing.length
                  ? { kind: 'navigate', label: '去完善', path: '/pages/profile/index' }
                  : { kind: 'claim', label: '领取' },
              progress: { missing },
            });
            break;
          }
          case 'first-order': {
            const done = await credited(memberId);
            views.push({
              ...base,
              status: done ? 'done' : 'in_progress',
              statusText: done ? '已获得' : '完成首单后自动发放',
              action: done
                ? { kind: 'none', label: '已完成' }
                : { kind: 'navigate', label: '去逛逛', path: '/pages/home/index' },
            });
            break;
          }
          case 'invite-friend': {
            const rewardedThisMonth = await points.countCredits({
              memberId,
              kind: 'task',
              sourceType: sourceType(code),
              since: monthStart(now),
            });
            const capped = settings.monthlyCap !== null && rewardedThisMonth >= settings.monthlyCap;
            views.push({
              ...base,
              status: capped ? 'capped' : 'available',
              statusText: capped ? '本月邀请奖励已达上限' : '好友注册并完成首单后自动发放',
              action: { kind: 'share', label: '去邀请', path: '/pages/invite/index' },
              progress: { rewardedThisMonth, monthlyCap: settings.monthlyCap },
            });
            break;
          }
          case 'review-screenshot': {
            const [pending, approved] = await Promise.all([
              ReviewSubmission.countDocuments({ member: memberId, status: 'pending' }),
              ReviewSubmission.countDocuments({ member: memberId, status: 'approved' }),
            ]);
            views.push({
              ...base,
              status: pending > 0 ? 'pending_review' : 'available',
              statusText: pending > 0 ? `${pending} 张截图审核中` : '发布真实评价后上传截图',
              action: { kind: 'upload', label: '上传截图', path: '/pages/review-task/index' },
              progress: { pending, approved, monthlyCap: settings.monthlyCap },
            });
            break;
          }
          case 'follow-official-account': {
            const done = await credited(memberId);
            views.push({
              ...base,
              status: done ? 'done' : 'claimable',
              statusText: done ? '已领取' : '关注公众号获取口令',
              action: done ? { kind: 'none', label: '已完成' } : { kind: 'enter_code', label: '输入口令' },
            });
            break;
          }
        }
      }
      return views;
    },

    /** POST /api/tasks/:code/claim for the self-claimable tasks. */
    async claim(memberId: string, code: TaskCode, body: { code?: string }, now: Date = clock()) {
      switch (code) {
        case 'daily-checkin':
          return checkins.checkIn(memberId, now);
        case 'complete-profile':
          return cards.claimProfile(memberId, now);
        case 'follow-official-account':
          return cards.claimFollow(memberId, body.code ?? '', now);
        default:
          throw new AppError('bad_request', 'task_not_claimable', '此任务完成后自动发放积分，无需领取');
      }
    },

    async claimProfile(memberId: string, now: Date = clock()): Promise<TaskClaimResponse> {
      const settings = await enabledTask('complete-profile');
      const member = await activeMember(memberId);
      const missing = missingProfileFields(member);
      if (missing.length) {
        throw new AppError('conflict', 'profile_incomplete', `请先完善：${missing.join('、')}`, { missing });
      }
      return claimOnce(memberId, settings, '完善资料奖励', now);
    },

    /** Only the code set most recently works; once per member. */
    async claimFollow(memberId: string, code: string, now: Date = clock()): Promise<TaskClaimResponse> {
      const settings = await enabledTask('follow-official-account');
      await activeMember(memberId);
      if (!settings.followCode) throw new AppError('conflict', 'follow_code_not_set', '活动口令尚未发布，请稍后再试');
      if (!code || normalizeFollowCode(code) !== settings.followCode) {
        throw new AppError('bad_request', 'follow_code_invalid', '口令不正确或已过期，请在公众号内获取最新口令');
      }
      return claimOnce(memberId, settings, '关注公众号奖励', now);
    },

    async invite(memberId: string): Promise<StoreInvite> {
      const member = await activeMember(memberId);
      const settings = await task('invite-friend');
      const [invitedCount, rewardedCount] = await Promise.all([
        Member.countDocuments({ invitedBy: member._id }),
        points.countCredits({ memberId, kind: 'task', sourceType: sourceType('invite-friend'), since: new Date(0) }),
      ]);
      return {
        code: member.inviteCode,
        link: `${INVITE_LANDING_PAGE}?invite=${encodeURIComponent(member.inviteCode)}`,
        invitedCount,
        rewardedCount,
        pointsPerInvite: settings.enabled ? settings.points : 0,
        monthlyCap: settings.monthlyCap,
      };
    },

    /**
     * An order completed (the `tasks` order subscriber): the member's first-order reward, and the
     * reward of whoever invited them (their first completed order counts, once; past the inviter's
     * monthly cap a zero entry records that this invitee will not pay out later either). The first
     * order to complete is recorded as the one that earned them, so its refund can take them back.
     * Repeatable.
     */
    async onOrderCompleted(input: { memberId: string; orderId: string }, now: Date = clock()): Promise<void> {
      const member = await Member.findById(input.memberId, { invitedBy: 1, nickname: 1 }).lean<MemberDoc>();
      if (!member) return;
      // An order already refunded (its earned points taken back) fires no task, even if told late.
      if (await points.findEntry(input.memberId, 'reverse', { type: 'order', id: input.orderId })) return;
      await TaskOrderReward.updateOne(
        { _id: `first-order:${input.memberId}` },
        { $setOnInsert: { order: input.orderId, createdAt: now } },
        { upsert: true },
      ).catch((error) => {
        if (!isDuplicateKey(error)) throw error;
      });
      const earnedBy = await TaskOrderReward.findById(`first-order:${input.memberId}`).lean();
      if (earnedBy?.order !== input.orderId) return; // an earlier order earned (or took back) them
      if (await points.findEntry(input.memberId, 'reverse', { type: sourceType('first-order'), id: input.memberId }))
        return; // refunded already: a late delivery pays nothing
      const firstOrder = await task('first-order');
      if (firstOrder.enabled) {
        await points.apply(
          {
            memberId: input.memberId,
            delta: firstOrder.points,
            kind: 'task',
            source: { type: sourceType('first-order'), id: input.memberId },
            note: '首次下单奖励',
          },
          now,
        );
      }
      const inviteFriend = await task('invite-friend');
      if (inviteFriend.enabled && member.invitedBy && !member.invitedBy.equals(member._id)) {
        const inviter = await Member.exists({ _id: member.invitedBy, status: 'active' });
        if (inviter) {
          await creditCapped(
            {
              memberId: member.invitedBy.toString(),
              settings: inviteFriend,
              causeId: input.memberId,
              note: `邀请好友「${member.nickname}」完成首单`,
            },
            now,
          );
        }
      }
    },

    /**
     * A completed order was refunded: if it is the order that earned the first-order reward, that
     * reward and the inviter's invite-friend reward are taken back, each once (closing the
     * order-then-refund loophole). Repeatable.
     */
    async onOrderRefunded(input: { memberId: string; orderId: string; orderNo: string }, now: Date = clock()) {
      const earnedBy = await TaskOrderReward.findById(`first-order:${input.memberId}`).lean();
      if (earnedBy?.order !== input.orderId) return;
      await points.reverseCredit(
        {
          memberId: input.memberId,
          kind: 'task',
          source: { type: sourceType('first-order'), id: input.memberId },
          note: `首单 ${input.orderNo} 已退款，收回首次下单奖励`,
        },
        now,
      );
      const member = await Member.findById(input.memberId, { invitedBy: 1 }).lean<MemberDoc>();
      if (member?.invitedBy && !member.invitedBy.equals(member._id)) {
        await points.reverseCredit(
          {
            memberId: member.invitedBy.toString(),
            kind: 'task',
            source: { type: sourceType('invite-friend'), id: input.memberId },
            note: `好友首单 ${input.orderNo} 已退款，收回邀请奖励`,
          },
          now,
        );
      }
    },
  };
  return cards;
}
