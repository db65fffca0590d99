import type { StoreTask } from '@siyu/shared';
import { PAGES } from '../brand';
import { currentPageUrl } from '../navigation';
import { MEMBER_PAGES } from './pages';

export type TaskCta =
  | { kind: 'checkin'; label: string }
  | { kind: 'claim'; label: string }
  | { kind: 'code'; label: string }
  | { kind: 'navigate'; label: string; path: string }
  | { kind: 'none'; label: string };

/**
 * The one button on a task card, from the member's status as the API reports it: what to do next (去签到,
 * 去完善, 去下单, 去上传, 邀请好友, 领取) or where it stands (已完成, 今日已签到, 审核中).
 */
/** The server names task pages by path; ones named by their pre-sub-package path still open the right page. */
function pathFromServer(path: string | null | undefined): string | undefined {
  return path ? currentPageUrl(path) : undefined;
}

export function taskCta(task: StoreTask): TaskCta {
  if (task.status === 'pending_review') {
    return { kind: 'navigate', label: '审核中', path: pathFromServer(task.action.path) ?? MEMBER_PAGES.reviewTask };
  }
  if (task.status === 'done') {
    return { kind: 'none', label: task.code === 'daily-checkin' ? '今日已签到' : '已完成' };
  }
  switch (task.code) {
    case 'daily-checkin':
      return { kind: 'checkin', label: '去签到' };
    case 'complete-profile':
      return task.status === 'claimable'
        ? { kind: 'claim', label: '领取' }
        : { kind: 'navigate', label: '去完善', path: pathFromServer(task.action.path) ?? PAGES.profile };
    case 'first-order':
      return { kind: 'navigate', label: '去下单', path: pathFromServer(task.action.path) ?? PAGES.home };
    case 'invite-friend':
      return { kind: 'navigate', label: '邀请好友', path: pathFromServer(task.action.path) ?? MEMBER_PAGES.invite };
    case 'review-screenshot':
      return { kind: 'navigate', label: '去上传', path: pathFromServer(task.action.path) ?? MEMBER_PAGES.reviewTask };
    case 'follow-official-account':
      return { kind: 'code', label: '输入口令' };
    default:
      return { kind: 'none', label: task.statusText };
  }
}
