/** Points tasks: the task cards, daily check-in, invites and review screenshots. */
import {
  type ReviewSubmissionRequest,
  type StoreCheckins,
  StoreCheckinsSchema,
  type StoreInvite,
  StoreInviteSchema,
  type StoreReviewSubmission,
  StoreReviewSubmissionSchema,
  type StoreTask,
  StoreTaskSchema,
  type TaskClaimResponse,
  TaskClaimResponseSchema,
  type TaskCode,
} from '@siyu/shared';
import { listOf, type Quiet, request } from './client';

const TaskListSchema = listOf<StoreTask>(StoreTaskSchema);
const SubmissionListSchema = listOf<StoreReviewSubmission>(StoreReviewSubmissionSchema);

export function fetchTasks(options: Quiet = {}): Promise<StoreTask[]> {
  return request({ path: '/tasks', silent: options.silent }, TaskListSchema);
}

/** `month` is a Shanghai calendar month, "2026-11". */
export function fetchCheckins(month: string, options: Quiet = {}): Promise<StoreCheckins> {
  return request({ path: '/me/checkins', query: { month }, silent: options.silent }, StoreCheckinsSchema);
}

/** Claims a self-claimable task (daily-checkin, complete-profile, follow-official-account with its code). */
export function claimTask(
  task: TaskCode,
  body: { code?: string } = {},
  options: Quiet = {},
): Promise<TaskClaimResponse> {
  return request(
    { method: 'POST', path: `/tasks/${task}/claim`, body: { ...body }, silent: options.silent },
    TaskClaimResponseSchema,
  );
}

export function fetchInvite(options: Quiet = {}): Promise<StoreInvite> {
  return request({ path: '/me/invite', silent: options.silent }, StoreInviteSchema);
}

export function submitReview(submission: ReviewSubmissionRequest): Promise<StoreReviewSubmission> {
  return request(
    { method: 'POST', path: '/tasks/review-screenshot/submissions', body: { ...submission } },
    StoreReviewSubmissionSchema,
  );
}

export function fetchReviewSubmissions(options: Quiet = {}): Promise<StoreReviewSubmission[]> {
  return request({ path: '/me/review-submissions', silent: options.silent }, SubmissionListSchema);
}
