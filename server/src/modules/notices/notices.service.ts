/**
 * Subscribe messages (订阅消息), shared by every domain that notifies a member once (a live reminder, a
 * group-buy result). WeChat gives one send per `accept`; this module keeps those permissions as grants
 * per (member, template key, topic) and sends through them at most once.
 *
 * Sending once without transactions:
 * 1. Claim: `pending → sending` by one conditional update carrying a fresh claim token. Only the winner
 *    sends; a second job, instance or retry finds nothing pending and sends nothing.
 * 2. Send through the WeChat adapter (demo mode: record, no network).
 * 3. Finish: `sending → sent | failed` guarded by the claim token. WeChat's answer (43101, 47003, …) is
 *    final: recorded, never retried. A transport failure (timeout, 5xx) puts the grant back to `pending`
 *    for the domain's next run, at most MAX_ATTEMPTS claims in all, then `failed`.
 * A crash between 1 and 3 leaves `sending`; `repairStuck` returns it to `pending` after STUCK_MS (or
 * fails it when attempts are spent). A resend after an ambiguous failure cannot deliver twice: WeChat
 * itself answers 43101 to a second send on one permission, which is then recorded as the outcome.
 */
import { randomUUID } from 'node:crypto';
import type { StoreNoticeGrant, StoreNoticeTemplates, SubscribeResult } from '@siyu/shared';
import { Types } from 'mongoose';
import type { SubscribeSendResult, WechatClient } from '../../adapters/wechat';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import type { Logger } from '../../http/logger';
import { MemberIdentity } from '../identity/member.model';
import { NoticeGrant, type NoticeGrantDoc } from './notices.model';

export const MAX_ATTEMPTS = 3;
export const STUCK_MS = 10 * 60_000;

/** WeChat's per-kind value limits (characters): 47003 beyond them. */
const FIELD_LIMITS: Record<string, number> = {
  thing: 20,
  character_string: 32,
  number: 32,
  letter: 32,
  symbol: 5,
  phrase: 5,
  name: 10,
  amount: 32,
  car_number: 8,
  phone_number: 17,
};

/**
 * Fits each field to its kind's limit by the key's name (`thing1`, `character_string2`, `time3`):
 * `thing`/`name` text is cut with an ellipsis, codes and numbers are cut plainly. Empty values become
 * '-' (WeChat refuses empty fields).
 */
export function fitFields(data: Record<string, string>): Record<string, { value: string }> {
  const fitted: Record<string, { value: string }> = {};
  for (const [key, raw] of Object.entries(data)) {
    const kind = key.replace(/\d+$/, '');
    const limit = FIELD_LIMITS[kind];
    const chars = [...(raw.trim() || '-')];
    let value = chars.join('');
    if (limit !== undefined && chars.length > limit) {
      value =
        kind === 'thing' || kind === 'name' ? `${chars.slice(0, limit - 1).join('')}…` : chars.slice(0, limit).join('');
    }
    fitted[key] = { value };
  }
  return fitted;
}

export interface NoticeMessage {
  /** The mini-program page the message opens, with its query; no leading slash needed. */
  page?: string;
  /** Field values by template key (`thing1`, `time2`, `character_string3`); trimmed to WeChat's limits. */
  data: Record<string, string>;
}

export type SendOutcome =
  | { outcome: 'sent'; demo: boolean }
  | { outcome: 'failed'; code: string; errcode: number | null }
  /** Transport failure: the grant is pending again (attempts left) for the next run. */
  | { outcome: 'retry_later'; code: string }
  | { outcome: 'no_grant' }
  /** Someone else sent it, is sending it, or it already failed for good. */
  | { outcome: 'not_pending'; state: NoticeGrantDoc['state'] };

export interface NoticesServiceDeps {
  /** Absent in demo mode: sends are recorded as delivered without network. */
  wechat?: WechatClient;
  demoMode: boolean;
  /** Template key → WeChat template id (config SUBSCRIBE_TEMPLATES). */
  templates: Record<string, string>;
  miniprogramState: 'developer' | 'trial' | 'formal';
  log?: Logger;
}

function memberObjectId(memberId: string): Types.ObjectId {
  if (!/^[0-9a-f]{24}$/i.test(memberId)) throw new AppError('not_found', 'member_not_found', '会员不存在');
  return new Types.ObjectId(memberId);
}

function toStoreGrant(grant: NoticeGrantDoc): StoreNoticeGrant {
  return {
    templateKey: grant.templateKey,
    topic: grant.topic,
    state: grant.state,
    acceptedAt: grant.acceptedAt.toISOString(),
    sentAt: grant.sentAt ? grant.sentAt.toISOString() : null,
  };
}

export function createNoticesService(deps: NoticesServiceDeps) {
  function templateIdFor(templateKey: string): string | null {
    return deps.templates[templateKey] ?? (deps.demoMode ? `demo_${templateKey}` : null);
  }

  async function openidOf(member: Types.ObjectId): Promise<string | null> {
    // The identity module's claimed identities (read-only here, as payments does for the payer).
    const identity = await MemberIdentity.findOne({ member, _id: trustedOperators({ $regex: /^openid:/ }) }).lean();
    return identity ? identity._id.slice('openid:'.length) : null;
  }

  async function finish(grant: NoticeGrantDoc, claim: string, set: Record<string, unknown>): Promise<void> {
    await NoticeGrant.updateOne({ _id: grant._id, state: 'sending', claim }, { $set: { claim: null, ...set } });
  }

  async function sendClaimed(
    grant: NoticeGrantDoc,
    claim: string,
    message: NoticeMessage,
    now: Date,
  ): Promise<SendOutcome> {
    const data = fitFields(message.data);
    const page = message.page?.replace(/^\//, '') ?? null;
    const record = { page, data };
    const fail = async (code: string, errcode: number | null, text: string): Promise<SendOutcome> => {
      await finish(grant, claim, {
        ...record,
        state: 'failed',
        failedAt: now,
        error: { code, errcode, message: text },
      });
      return { outcome: 'failed', code, errcode };
    };
    const openid = await openidOf(grant.member);
    if (!openid) return fail('openid_missing', null, '会员没有微信身份');
    if (!deps.wechat) {
      await finish(grant, claim, { ...record, state: 'sent', sentAt: now, demo: true, error: null });
      return { outcome: 'sent', demo: true };
    }
    let answer: SubscribeSendResult;
    try {
      answer = await deps.wechat.sendSubscribeMessage({
        touser: openid,
        template_id: grant.templateId,
        ...(page ? { page } : {}),
        data,
        miniprogram_state: deps.miniprogramState,
        lang: 'zh_CN',
      });
    } catch (error) {
      const code = error instanceof AppError ? error.code : 'unreachable';
      deps.log?.warn({ err: error, grant: grant._id.toString() }, 'subscribe message send failed');
      if (grant.attempts >= MAX_ATTEMPTS) return fail(code, null, '多次发送失败');
      await finish(grant, claim, { state: 'pending', error: { code, errcode: null, message: '发送失败，稍后重试' } });
      return { outcome: 'retry_later', code };
    }
    if (answer.ok) {
      await finish(grant, claim, { ...record, state: 'sent', sentAt: now, msgid: answer.msgid ?? null, error: null });
      return { outcome: 'sent', demo: false };
    }
    return fail(answer.errcode === 43101 ? 'permission_used' : 'wechat_refused', answer.errcode, answer.errmsg);
  }

  const service = {
    /** The template ids the storefront asks `requestSubscribeMessage` for (null when not configured). */
    templates(keys: readonly string[]): StoreNoticeTemplates {
      return { templates: Object.fromEntries(keys.map((key) => [key, templateIdFor(key)])), demo: deps.demoMode };
    },

    templateIdFor,

    /**
     * Records what `requestSubscribeMessage` answered for one template and topic. `accept` stores a
     * pending grant (or re-arms a failed one; a pending or sent grant stays as it is); any other answer
     * stores nothing. Safe to repeat and under concurrency (unique per member, key, topic). Answers the
     * grant, or null when nothing is stored. Throws 503 `notice_template_missing` when the template is
     * not configured.
     */
    async grant(
      memberId: string,
      templateKey: string,
      topic: string,
      result: SubscribeResult,
      now = new Date(),
    ): Promise<StoreNoticeGrant | null> {
      const member = memberObjectId(memberId);
      const templateId = templateIdFor(templateKey);
      if (!templateId) throw new AppError('unavailable', 'notice_template_missing', '该消息提醒暂未开通');
      if (result !== 'accept') {
        const existing = await NoticeGrant.findOne({ member, templateKey, topic }).lean<NoticeGrantDoc>();
        return existing ? toStoreGrant(existing) : null;
      }
      const key = { member, templateKey, topic };
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          const grant = await NoticeGrant.findOneAndUpdate(
            key,
            {
              $setOnInsert: { templateId, state: 'pending', acceptedAt: now, attempts: 0, accepts: 0 },
            },
            { upsert: true, new: true, lean: true },
          );
          await NoticeGrant.updateOne({ _id: grant!._id }, { $inc: { accepts: 1 } });
          // A fresh permission re-arms a grant that failed (43101 means the old one was spent).
          const rearmed = await NoticeGrant.findOneAndUpdate(
            { _id: grant!._id, state: 'failed' },
            { $set: { state: 'pending', templateId, acceptedAt: now, attempts: 0, error: null, failedAt: null } },
            { new: true, lean: true },
          );
          return toStoreGrant((rearmed ?? grant) as NoticeGrantDoc);
        } catch (error) {
          if (!isDuplicateKey(error)) throw error; // two first accepts raced: read the winner's
        }
      }
      throw new AppError('conflict', 'notice_busy', '操作太频繁，请稍后重试');
    },

    /** The member's grant for this topic, or null. */
    async grantOf(memberId: string, templateKey: string, topic: string): Promise<StoreNoticeGrant | null> {
      const grant = await NoticeGrant.findOne({
        member: memberObjectId(memberId),
        templateKey,
        topic,
      }).lean<NoticeGrantDoc>();
      return grant ? toStoreGrant(grant) : null;
    },

    /**
     * Sends the message through this member's grant, at most once ever: concurrent callers race on the
     * claim and only one sends. Never throws for WeChat's answers; see SendOutcome.
     */
    async sendOnce(
      memberId: string,
      templateKey: string,
      topic: string,
      message: NoticeMessage,
      now = new Date(),
    ): Promise<SendOutcome> {
      const member = memberObjectId(memberId);
      const claim = randomUUID();
      const grant = await NoticeGrant.findOneAndUpdate(
        { member, templateKey, topic, state: 'pending', attempts: trustedOperators({ $lt: MAX_ATTEMPTS }) },
        { $set: { state: 'sending', claim, claimedAt: now }, $inc: { attempts: 1 } },
        { new: true, lean: true },
      );
      if (!grant) {
        const existing = await NoticeGrant.findOne({ member, templateKey, topic }, { state: 1 }).lean<NoticeGrantDoc>();
        return existing ? { outcome: 'not_pending', state: existing.state } : { outcome: 'no_grant' };
      }
      return sendClaimed(grant as NoticeGrantDoc, claim, message, now);
    },

    /**
     * Sends to every member holding a pending grant for this topic (a live's reminder), each at most
     * once, `message(memberId)` deciding the content. Answers counts of this run.
     */
    async sendToTopic(
      templateKey: string,
      topic: string,
      message: NoticeMessage | ((memberId: string) => NoticeMessage),
      now = new Date(),
      limit = 500,
    ): Promise<{ sent: number; failed: number; retryLater: number }> {
      const pending = await NoticeGrant.find({ templateKey, topic, state: 'pending' }, { member: 1 })
        .limit(limit)
        .lean<Pick<NoticeGrantDoc, '_id' | 'member'>[]>();
      const counts = { sent: 0, failed: 0, retryLater: 0 };
      for (const { member } of pending) {
        const memberId = member.toString();
        const outcome = await service.sendOnce(
          memberId,
          templateKey,
          topic,
          typeof message === 'function' ? message(memberId) : message,
          now,
        );
        if (outcome.outcome === 'sent') counts.sent++;
        else if (outcome.outcome === 'failed') counts.failed++;
        else if (outcome.outcome === 'retry_later') counts.retryLater++;
      }
      return counts;
    },

    /** How many grants of this topic are in each state (for admin numbers: reminders sent). */
    async countsFor(templateKey: string, topic: string): Promise<Record<NoticeGrantDoc['state'], number>> {
      const rows = await NoticeGrant.aggregate<{ _id: NoticeGrantDoc['state']; count: number }>([
        { $match: { templateKey, topic } },
        { $group: { _id: '$state', count: { $sum: 1 } } },
      ]);
      const counts = { pending: 0, sending: 0, sent: 0, failed: 0 };
      for (const row of rows) counts[row._id] = row.count;
      return counts;
    },

    /**
     * Crash repair: grants left in `sending` longer than STUCK_MS go back to `pending` (the domain's
     * next run sends them; WeChat's 43101 stops a double delivery) or to `failed` once attempts are spent.
     */
    async repairStuck(now = new Date()): Promise<number> {
      const before = new Date(now.getTime() - STUCK_MS);
      const stuck = { state: 'sending', claimedAt: trustedOperators({ $lte: before }) };
      const failed = await NoticeGrant.updateMany(
        { ...stuck, attempts: trustedOperators({ $gte: MAX_ATTEMPTS }) },
        {
          $set: {
            state: 'failed',
            claim: null,
            failedAt: now,
            error: { code: 'interrupted', errcode: null, message: '发送中断' },
          },
        },
      );
      const back = await NoticeGrant.updateMany(
        { ...stuck, attempts: trustedOperators({ $lt: MAX_ATTEMPTS }) },
        { $set: { state: 'pending', claim: null } },
      );
      return failed.modifiedCount + back.modifiedCount;
    },
  };
  return service;
}

export type NoticesService = ReturnType<typeof createNoticesService>;
