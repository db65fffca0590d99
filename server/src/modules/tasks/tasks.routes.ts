import {
  AdminFollowCodeRequestSchema,
  AdminReviewRejectRequestSchema,
  AdminReviewSubmissionSchema,
  AdminTaskSchema,
  AdminTaskUpdateSchema,
  ReviewStatusSchema,
  ReviewSubmissionRequestSchema,
  StoreCheckinsQuerySchema,
  StoreCheckinsSchema,
  StoreInviteSchema,
  StoreReviewSubmissionSchema,
  StoreTaskSchema,
  TaskClaimRequestSchema,
  TaskClaimResponseSchema,
  TaskCodeSchema,
} from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';
import { consumeRateLimit } from '../../http/rate-limit';
import { defineRoute } from '../../http/route';
import type { TasksService } from './tasks.service';

const IdParamsSchema = IdParams;

/** Mounted under /api. */
export function tasksStoreRoutes(tasks: TasksService) {
  return [
    defineRoute({
      method: 'get',
      path: '/tasks',
      summary: '积分任务列表：每个任务的进度、状态（claimable、done、pending_review…）和下一步操作',
      tags: ['tasks'],
      auth: 'member',
      response: z.array(StoreTaskSchema),
      handler: async ({ caller }) => tasks.listForMember(caller.member!.id),
    }),
    defineRoute({
      method: 'post',
      path: '/tasks/:code/claim',
      summary:
        '领取任务奖励：daily-checkin（每天一次）、complete-profile（资料完善后一次）、follow-official-account（{ code } 当前口令，一次）',
      tags: ['tasks'],
      auth: 'member',
      params: z.object({ code: TaskCodeSchema }).strict(),
      body: TaskClaimRequestSchema,
      response: TaskClaimResponseSchema,
      errors: {
        400: '此任务无需领取，或口令不正确',
        409: '今天已签到 / 已领取 / 资料未完善 / 任务未开放',
        429: '尝试过于频繁',
      },
      handler: async ({ params, body, caller }) => {
        if (params.code === 'follow-official-account') {
          await consumeRateLimit('follow-code', caller.member!.id, 10, 60);
        }
        return tasks.claim(caller.member!.id, params.code, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me/checkins',
      summary: '某月的签到日期和当前连续签到天数',
      tags: ['tasks'],
      auth: 'member',
      query: StoreCheckinsQuerySchema,
      response: StoreCheckinsSchema,
      handler: async ({ query, caller }) => tasks.checkins(caller.member!.id, query.month),
    }),
    defineRoute({
      method: 'get',
      path: '/me/invite',
      summary: '我的邀请码、邀请链接、已邀请人数和已获奖励次数',
      tags: ['tasks'],
      auth: 'member',
      response: StoreInviteSchema,
      handler: async ({ caller }) => tasks.invite(caller.member!.id),
    }),
    defineRoute({
      method: 'post',
      path: '/tasks/review-screenshot/submissions',
      summary: '提交评价截图（先 POST /api/uploads 上传）。无论好评差评，真实评价即可获得积分；人工审核后发放',
      tags: ['tasks'],
      auth: 'member',
      body: ReviewSubmissionRequestSchema,
      response: StoreReviewSubmissionSchema,
      status: 201,
      errors: { 400: '图片不是本人上传的', 409: '该订单已提交或已获得过积分' },
      handler: async ({ body, caller }) => {
        await consumeRateLimit('review-submit', caller.member!.id, 20, 3600);
        return tasks.submitReview(caller.member!.id, body);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/me/review-submissions',
      summary: '我提交的评价截图及审核状态（最近 100 条）',
      tags: ['tasks'],
      auth: 'member',
      response: z.array(StoreReviewSubmissionSchema),
      handler: async ({ caller }) => tasks.mySubmissions(caller.member!.id),
    }),
  ];
}

/** Mounted under /api/admin. */
export function tasksAdminRoutes(tasks: TasksService) {
  return [
    defineRoute({
      method: 'get',
      path: '/tasks',
      summary: '积分任务配置（operator）',
      tags: ['admin: tasks'],
      auth: { admin: ['operator'] },
      response: z.array(AdminTaskSchema),
      handler: async () => tasks.listTasks(),
    }),
    defineRoute({
      method: 'put',
      path: '/tasks/:code',
      summary: '修改积分任务：标题、说明、积分、每月上限、开关（频率由任务本身决定，不可改）',
      tags: ['admin: tasks'],
      auth: { admin: ['operator'] },
      params: z.object({ code: TaskCodeSchema }).strict(),
      body: AdminTaskUpdateSchema,
      response: AdminTaskSchema,
      handler: async ({ params, body, caller }) => tasks.updateTask(caller.admin!.id, params.code, body),
    }),
    defineRoute({
      method: 'put',
      path: '/tasks/follow-official-account/code',
      summary: '设置「关注公众号」的当前口令（轮换：设置后只有新口令有效）',
      tags: ['admin: tasks'],
      auth: { admin: ['operator'] },
      body: AdminFollowCodeRequestSchema,
      status: 204,
      handler: async ({ body, caller }) => {
        await tasks.setFollowCode(caller.admin!.id, body.code);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/review-submissions',
      summary: '评价截图审核列表（support），按提交时间从早到晚',
      tags: ['admin: tasks'],
      auth: { admin: ['support'] },
      query: z
        .object({
          status: ReviewStatusSchema.optional(),
          page: z.coerce.number().int().min(1).max(10_000).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
        })
        .strict(),
      response: z.object({
        items: z.array(AdminReviewSubmissionSchema),
        total: z.number().int(),
        page: z.number().int(),
        pageSize: z.number().int(),
      }),
      handler: async ({ query }) => tasks.listSubmissions(query),
    }),
    defineRoute({
      method: 'post',
      path: '/review-submissions/:id/approve',
      summary: '审核通过并发放积分：同一平台订单只奖励一次（重复提交会被标记为重复并返回 409）',
      tags: ['admin: tasks'],
      auth: { admin: ['support'] },
      params: IdParamsSchema,
      response: StoreReviewSubmissionSchema,
      errors: { 404: '记录不存在', 409: '已驳回，或该平台订单已奖励过（已标记为重复）' },
      handler: async ({ params, caller }) => tasks.approveSubmission(caller.admin!.id, params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/review-submissions/:id/reject',
      summary: '驳回评价截图（需填写原因）',
      tags: ['admin: tasks'],
      auth: { admin: ['support'] },
      params: IdParamsSchema,
      body: AdminReviewRejectRequestSchema,
      response: StoreReviewSubmissionSchema,
      errors: { 404: '记录不存在', 409: '已审核通过' },
      handler: async ({ params, body, caller }) => tasks.rejectSubmission(caller.admin!.id, params.id, body.reason),
    }),
  ];
}
