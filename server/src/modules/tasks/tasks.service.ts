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
import {
  type AdminReviewSubmission,
  type AdminTask,
  type AdminTaskUpdate,
  dayjs,
  REVIEW_PLATFORM_NAMES,
  type ReviewSubmissionRequest,
  SHOP_TIMEZONE,
  type StoreCheckins,
  type StoreInvite,
  type StoreReviewSubmission,
  type StoreTask,
  shopDay,
  TASK_CODES,
  type TaskClaimResponse,
  type TaskCode,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import { recordAudit } from '../audit/audit.service';
import { Member, type MemberDoc } from '../identity/member.model';
import type { PointsService } from '../points/points.service';
import type { UploadsService } from '../uploads/uploads.service';
import { ReviewPending, type ReviewPendingDoc } from './review-pending.model';
import { BUILT_IN_TASKS, CHECKIN_BONUS_EVERY, INVITE_LANDING_PAGE } from './task-catalog';
import {
  Checkin,
  type CheckinDoc,
  ReviewClaim,
  ReviewSubmission,
  type ReviewSubmissionDoc,
  TaskConfig,
  type TaskConfigDoc,
  TaskOrderReward,
} from './tasks.model';

const CACHE_MS = 5000;
const REVIEW_DUPLICATE_REASON = '该平台订单的评价已获得过积分（重复提交）';

export interface TaskSettings {
  code: TaskCode;
  title: string;
  description: string;
  points: number;
  frequency: StoreTask['frequency'];
  monthlyCap: number | null;
  enabled: boolean;
  streakBonusPoints: number | null;
  followCode: string | null;
  updatedAt: Date | null;
}

const sourceType = (code: TaskCode) => `task:${code}`;
const iso = (date: Date | null | undefined) => (date ? new Date(date).toISOString() : null);
const monthStart = (now: Date) => dayjs(now).tz(SHOP_TIMEZONE).startOf('month').toDate();
const normalizeFollowCode = (code: string) => code.trim().toUpperCase();

/** What is still missing before complete-profile can be claimed (in the shopper's words). */
export function missingProfileFields(member: Pick<MemberDoc, 'nickname' | 'avatarUrl' | 'birthday' | 'phone'>) {
  const missing: string[] = [];
  // WeChat's placeholder name and our generated one are not a nickname the member chose.
  if (!member.nickname || member.nickname === '微信用户' || /^会员.{4}$/.test(member.nickname)) missing.push('昵称');
  if (!member.avatarUrl) missing.push('头像');
  if (!member.birthday) missing.push('生日');
  if (!member.phone) missing.push('手机号');
  return missing;
}

function toStoreSubmission(doc: ReviewSubmissionDoc): StoreReviewSubmission {
  return {
    id: doc._id.toString(),
    platform: doc.platform,
    orderRef: doc.orderRef,
    imageUrl: doc.imageUrl,
    status: doc.status,
    rejectReason: doc.rejectReason ?? null,
    pointsAwarded: doc.pointsAwarded ?? 0,
    createdAt: new Date(doc.createdAt).toISOString(),
    reviewedAt: iso(doc.reviewedAt),
  };
}

export interface TasksServiceOptions {
  points: PointsService;
  uploads: UploadsService;
  clock?: () => Date;
}

export function createTasksService(options: TasksServiceOptions) {
  const { points, uploads } = options;
  const clock = options.clock ?? (() => new Date());
  let cached: { at: number; tasks: Map<TaskCode, TaskSettings> } | undefined;

  async function catalog(): Promise<Map<TaskCode, TaskSettings>> {
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.tasks;
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
    cached = { at: Date.now(), tasks };
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

  async function activeMember(memberId: string): Promise<MemberDoc> {
    const member = Types.ObjectId.isValid(memberId)
      ? await Member.findOne({ _id: memberId, status: 'active' }).lean<MemberDoc>()
      : null;
    if (!member) throw new AppError('not_found', 'member_not_found', '会员不存在');
    return member;
  }

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

  async function streakOn(memberId: string, now: Date): Promise<{ streak: number; checkedInToday: boolean }> {
    const today = shopDay(now);
    const yesterday = shopDay(dayjs(now).tz(SHOP_TIMEZONE).subtract(1, 'day').toDate());
    const recent = await Checkin.find({ member: memberId, day: trustedOperators({ $in: [today, yesterday] }) }).lean<
      CheckinDoc[]
    >();
    const todays = recent.find((record) => record.day === today);
    if (todays) return { streak: todays.streak, checkedInToday: true };
    return { streak: recent.find((record) => record.day === yesterday)?.streak ?? 0, checkedInToday: false };
  }

  /** The points step of an approval (claim the platform order, then credit); repeatable. */
  /** Review images are private: every answer carries a short-lived signed link instead of the stored URL. */
  function withSignedImage<T extends { imageUrl: string }>(view: T): T {
    return { ...view, imageUrl: uploads.signedUrl(view.imageUrl) };
  }

  /**
   * Takes the pending key for a new submission, or 409 when a pending submission holds it. A key whose
   * submission is no longer pending, or never got written (a crash, after a minute's grace), is taken over.
   */
  async function takePendingKey(key: string, submissionId: Types.ObjectId, now: Date): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await ReviewPending.create({ _id: key, submission: submissionId, createdAt: now });
        return;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
      const holder = await ReviewPending.findById(key).lean<ReviewPendingDoc>();
      if (!holder) continue;
      const held = await ReviewSubmission.findById(holder.submission, { status: 1 }).lean<ReviewSubmissionDoc>();
      const stale = held ? held.status !== 'pending' : now.getTime() - holder.createdAt.getTime() > 60_000;
      if (!stale) break;
      await ReviewPending.deleteOne({ _id: key, submission: holder.submission });
    }
    throw new AppError('conflict', 'review_already_submitted', '该订单的评价截图已提交，请等待审核');
  }

  async function finishApproval(submission: ReviewSubmissionDoc, now: Date): Promise<ReviewSubmissionDoc> {
    let holder: Types.ObjectId;
    try {
      await ReviewClaim.create({
        _id: submission.claimKey,
        submission: submission._id,
        member: submission.member,
        createdAt: now,
      });
      holder = submission._id;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      holder = (await ReviewClaim.findById(submission.claimKey).lean())!.submission;
    }
    if (!holder.equals(submission._id)) {
      await ReviewSubmission.updateOne(
        { _id: submission._id, status: 'approved', credited: false },
        { $set: { status: 'rejected', rejectReason: REVIEW_DUPLICATE_REASON, duplicateOf: holder } },
      );
      throw new AppError('conflict', 'review_duplicate', `${REVIEW_DUPLICATE_REASON}，本条已标记为重复`, {
        duplicateOf: holder.toString(),
      });
    }
    const settings = await task('review-screenshot');
    const result = await creditCapped(
      {
        memberId: submission.member.toString(),
        settings,
        causeId: submission._id.toString(),
        note: `${REVIEW_PLATFORM_NAMES[submission.platform]}评价截图审核通过`,
      },
      now,
    );
    const updated = await ReviewSubmission.findOneAndUpdate(
      { _id: submission._id },
      { $set: { credited: true, pointsAwarded: result?.entry.delta ?? 0 } },
      { new: true },
    ).lean<ReviewSubmissionDoc>();
    return updated!;
  }

  const service = {
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
          return service.checkIn(memberId, now);
        case 'complete-profile':
          return service.claimProfile(memberId, now);
        case 'follow-official-account':
          return service.claimFollow(memberId, body.code ?? '', now);
        default:
          throw new AppError('bad_request', 'task_not_claimable', '此任务完成后自动发放积分，无需领取');
      }
    },

    /**
     * One check-in per member per Shanghai day: the unique (member, day) record decides which of many
     * concurrent taps is the check-in (200); the others answer 409. Every caller makes sure the day's
     * points are booked (keyed by member+day), so a crash after the record is repaired by the next tap.
     */
    async checkIn(memberId: string, now: Date = clock()): Promise<TaskClaimResponse> {
      const settings = await enabledTask('daily-checkin');
      await activeMember(memberId);
      const day = shopDay(now);
      const yesterday = shopDay(dayjs(now).tz(SHOP_TIMEZONE).subtract(1, 'day').toDate());
      const previous = await Checkin.findOne({ member: memberId, day: yesterday }).lean<CheckinDoc>();
      let record: CheckinDoc;
      let first = true;
      try {
        record = (
          await Checkin.create({ member: memberId, day, streak: (previous?.streak ?? 0) + 1, createdAt: now })
        ).toObject() as CheckinDoc;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        first = false;
        record = (await Checkin.findOne({ member: memberId, day }).lean<CheckinDoc>())!;
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
        balance: await points.balance(memberId),
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

    // ---------- review screenshots ----------

    async submitReview(
      memberId: string,
      input: ReviewSubmissionRequest,
      now: Date = clock(),
    ): Promise<StoreReviewSubmission> {
      await enabledTask('review-screenshot');
      await activeMember(memberId);
      const imageUrl = await uploads.claimReview(memberId, input.imageUrl);
      if (!imageUrl)
        throw new AppError('bad_request', 'review_image_invalid', '请先上传评价截图（仅限本人上传的图片）');
      const claimKey = `${input.platform}:${input.orderRef.toLowerCase()}`;
      if (await ReviewClaim.exists({ _id: claimKey })) {
        throw new AppError('conflict', 'review_order_rewarded', '该平台订单的评价已获得过积分');
      }
      // One pending submission per member and platform order, decided by a unique key (concurrent
      // submissions: one wins, the others get 409), taken before the submission is written.
      const submissionId = new Types.ObjectId();
      await takePendingKey(`${memberId}|${claimKey}`, submissionId, now);
      const created = await ReviewSubmission.create({
        _id: submissionId,
        member: memberId,
        platform: input.platform,
        orderRef: input.orderRef,
        claimKey,
        imageUrl,
        createdAt: now,
      });
      return withSignedImage(toStoreSubmission(created.toObject() as ReviewSubmissionDoc));
    },

    async mySubmissions(memberId: string): Promise<StoreReviewSubmission[]> {
      const docs = await ReviewSubmission.find({ member: memberId })
        .sort({ createdAt: -1 })
        .limit(100)
        .lean<ReviewSubmissionDoc[]>();
      return docs.map((doc) => withSignedImage(toStoreSubmission(doc)));
    },

    async listSubmissions(query: {
      status?: ReviewSubmissionDoc['status'];
      page: number;
      pageSize: number;
    }): Promise<{ items: AdminReviewSubmission[]; total: number; page: number; pageSize: number }> {
      const filter = query.status ? { status: query.status } : {};
      const [total, docs] = await Promise.all([
        ReviewSubmission.countDocuments(filter),
        ReviewSubmission.find(filter)
          .sort({ createdAt: 1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean<ReviewSubmissionDoc[]>(),
      ]);
      const members = new Map(
        (
          await Member.find(
            { _id: trustedOperators({ $in: [...new Set(docs.map((doc) => doc.member.toString()))] }) },
            { memberNo: 1, nickname: 1 },
          ).lean<MemberDoc[]>()
        ).map((member) => [member._id.toString(), member]),
      );
      return {
        total,
        page: query.page,
        pageSize: query.pageSize,
        items: docs.map((doc) => {
          const member = members.get(doc.member.toString());
          return {
            ...withSignedImage(toStoreSubmission(doc)),
            member: { id: doc.member.toString(), memberNo: member?.memberNo ?? '', nickname: member?.nickname ?? '' },
            duplicateOf: doc.duplicateOf ? doc.duplicateOf.toString() : null,
          };
        }),
      };
    },

    /**
     * Approves a submission and credits its points once per platform order across all members.
     * Approving twice is harmless (one credit); a second submission of an already rewarded platform
     * order is marked rejected as a duplicate (409).
     */
    async approveSubmission(adminId: string, id: string, now: Date = clock()): Promise<StoreReviewSubmission> {
      if (!Types.ObjectId.isValid(id)) throw new AppError('not_found', 'review_not_found', '审核记录不存在');
      const moved = await ReviewSubmission.findOneAndUpdate(
        { _id: id, status: 'pending' },
        { $set: { status: 'approved', reviewedBy: adminId, reviewedAt: now } },
        { new: true },
      ).lean<ReviewSubmissionDoc>();
      const submission = moved ?? (await ReviewSubmission.findById(id).lean<ReviewSubmissionDoc>());
      if (!submission) throw new AppError('not_found', 'review_not_found', '审核记录不存在');
      if (submission.status === 'rejected') {
        throw new AppError('conflict', 'review_already_rejected', '该提交已被驳回', {
          reason: submission.rejectReason,
        });
      }
      if (moved) {
        await recordAudit({
          admin: adminId,
          action: 'review.approve',
          target: { type: 'review_submission', id },
          changes: { platform: submission.platform, orderRef: submission.orderRef },
        });
      }
      return withSignedImage(toStoreSubmission(await finishApproval(submission, now)));
    },

    async rejectSubmission(
      adminId: string,
      id: string,
      reason: string,
      now: Date = clock(),
    ): Promise<StoreReviewSubmission> {
      if (!Types.ObjectId.isValid(id)) throw new AppError('not_found', 'review_not_found', '审核记录不存在');
      const moved = await ReviewSubmission.findOneAndUpdate(
        { _id: id, status: 'pending' },
        { $set: { status: 'rejected', rejectReason: reason, reviewedBy: adminId, reviewedAt: now } },
        { new: true },
      ).lean<ReviewSubmissionDoc>();
      const submission = moved ?? (await ReviewSubmission.findById(id).lean<ReviewSubmissionDoc>());
      if (!submission) throw new AppError('not_found', 'review_not_found', '审核记录不存在');
      if (submission.status === 'approved') {
        throw new AppError('conflict', 'review_already_approved', '该提交已审核通过，不能驳回');
      }
      if (moved) {
        await recordAudit({
          admin: adminId,
          action: 'review.reject',
          target: { type: 'review_submission', id },
          reason,
        });
      }
      return withSignedImage(toStoreSubmission(submission));
    },

    /** Finishes approvals whose points step was cut short (the repair job). */
    async finishApprovals(now: Date = clock()): Promise<number> {
      const stuck = await ReviewSubmission.find({
        status: 'approved',
        credited: false,
        reviewedAt: trustedOperators({ $lt: new Date(now.getTime() - 60_000) }),
      })
        .limit(200)
        .lean<ReviewSubmissionDoc[]>();
      let finished = 0;
      for (const submission of stuck) {
        try {
          await finishApproval(submission, now);
          finished++;
        } catch {
          // a duplicate is marked rejected inside; anything else is retried on the next run
        }
      }
      return finished;
    },

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
      cached = undefined;
      await recordAudit({
        admin: adminId,
        action: 'task.update',
        target: { type: 'task', id: code },
        changes: input,
      });
      return (await service.listTasks()).find((item) => item.code === code)!;
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
      cached = undefined;
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
      cached = undefined;
      return inserted;
    },
  };
  return service;
}

export type TasksService = ReturnType<typeof createTasksService>;
