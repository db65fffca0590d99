/** Review screenshots: a member submits, a person approves, one reward per marketplace order across members. */
import {
  type AdminReviewSubmission,
  REVIEW_PLATFORM_NAMES,
  type ReviewSubmissionRequest,
  type StoreReviewSubmission,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import { recordAudit } from '../audit/audit.service';
import { Member, type MemberDoc } from '../identity/member.model';
import type { PointsService } from '../points/points.service';
import type { UploadsService } from '../uploads/uploads.service';
import { ReviewPending, type ReviewPendingDoc } from './review-pending.model';
import type { TaskRewards } from './task-rewards';
import { REVIEW_DUPLICATE_REASON, toStoreSubmission } from './task-rules';
import type { TaskSettingsService } from './task-settings';
import { ReviewClaim, ReviewSubmission, type ReviewSubmissionDoc } from './tasks.model';

export function createReviewScreenshots(deps: {
  points: PointsService;
  uploads: UploadsService;
  settings: TaskSettingsService;
  rewards: TaskRewards;
  clock: () => Date;
}) {
  const { uploads, clock } = deps;
  const { task, enabledTask } = deps.settings;
  const { activeMember, creditCapped } = deps.rewards;
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

  return {
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
  };
}
