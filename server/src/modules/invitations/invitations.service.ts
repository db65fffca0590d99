/**
 * Invitations (邀请有礼): who each member invited, how far each friend got, and the inviter's reward.
 *
 * Attribution is identity's: a friend who registers through an invite code gets `member.invitedBy`.
 * The reward is the `invite-friend` task's (points, monthly cap, on/off), paid when the friend's first
 * paid order completes without having been refunded, through the same ledger key the tasks module
 * uses (`task:invite-friend` / the invitee), so the reward is booked once whoever books it first; a
 * refund of the rewarded order takes it back, once. Past the inviter's monthly cap a zero entry
 * records the decision (the friend will not pay out later either).
 */

import { dayjs, SHOP_TIMEZONE, type StoreInvitationRecord, type StoreInvitations } from '@siyu/shared';
import type { WechatClient } from '../../adapters/wechat';
import { trustedOperators } from '../../db/connection';
import { isDuplicateKey } from '../../http/errors';
import { activeMember } from '../identity/active-member';
import { Member, type MemberDoc } from '../identity/member.model';
import { placeholderMiniProgramCode } from '../package-cards/placeholder-code';
import { PointsEntry } from '../points/points.model';
import type { PointsService } from '../points/points.service';
import type { TasksService } from '../tasks/tasks.service';
import { Invitation, type InvitationDoc } from './invitations.model';

/** The page a poster's mini-program code opens: it remembers the invite and goes home. */
export const INVITE_JOIN_PAGE = 'packages/growth/join/index';
export const INVITE_SCENE_PREFIX = 'inv=';
const SOURCE_TYPE = 'task:invite-friend';
const STATUS_TEXT: Record<StoreInvitationRecord['status'], string> = {
  joined: '已注册，待下单',
  ordered: '已下单，确认收货后发放奖励',
  rewarded: '已获得奖励',
  capped: '本月奖励已达上限',
};

export interface InvitationsServiceOptions {
  points: PointsService;
  tasks: TasksService;
  wechat?: WechatClient;
  clock?: () => Date;
}

const monthStart = (now: Date) => dayjs(now).tz(SHOP_TIMEZONE).startOf('month').toDate();

export function createInvitationsService(options: InvitationsServiceOptions) {
  const { points, tasks } = options;
  const clock = options.clock ?? (() => new Date());

  async function reward() {
    const task = (await tasks.listTasks()).find((item) => item.code === 'invite-friend');
    return { enabled: task?.enabled ?? false, points: task?.points ?? 0, monthlyCap: task?.monthlyCap ?? null };
  }

  /** The invitation of an invitee, created from identity's attribution when it is not recorded yet. */
  async function invitationOf(inviteeId: string): Promise<InvitationDoc | null> {
    const existing = await Invitation.findById(inviteeId).lean<InvitationDoc>();
    if (existing) return existing;
    const invitee = await Member.findById(inviteeId, { invitedBy: 1, createdAt: 1 }).lean<MemberDoc>();
    if (!invitee?.invitedBy || invitee.invitedBy.equals(invitee._id)) return null;
    await service.onMemberCreated(invitee);
    return Invitation.findById(inviteeId).lean<InvitationDoc>();
  }

  const service = {
    /** identity's onMemberCreated: an invited member's invitation starts as `joined`. Repeatable. */
    async onMemberCreated(member: Pick<MemberDoc, '_id' | 'invitedBy' | 'createdAt'>): Promise<void> {
      if (!member.invitedBy || member.invitedBy.equals(member._id)) return;
      await Invitation.updateOne(
        { _id: member._id },
        { $setOnInsert: { inviter: member.invitedBy, status: 'joined', joinedAt: member.createdAt ?? clock() } },
        { upsert: true },
      ).catch((error) => {
        if (!isDuplicateKey(error)) throw error;
      });
    },

    /** An invitee's order was paid: the first paid order (while none qualifies) becomes the qualifying one. */
    async onOrderPaid(input: { memberId: string; orderId: string }, now: Date = clock()): Promise<void> {
      if (!(await invitationOf(input.memberId))) return;
      await Invitation.updateOne(
        { _id: input.memberId, status: 'joined', qualifyingOrder: null },
        { $set: { status: 'ordered', qualifyingOrder: input.orderId, orderedAt: now } },
      );
    },

    /**
     * An invitee's order completed. If it is the qualifying order (or nothing qualifies yet: a paid
     * event lost on the way), the inviter is rewarded under the monthly cap. Repeatable.
     */
    async onOrderCompleted(input: { memberId: string; orderId: string }, now: Date = clock()): Promise<void> {
      const invitation = await invitationOf(input.memberId);
      if (!invitation) return;
      if (invitation.status === 'joined') {
        await service.onOrderPaid(input, now);
      }
      const current = await Invitation.findById(input.memberId).lean<InvitationDoc>();
      if (current?.status !== 'ordered' || current.qualifyingOrder !== input.orderId) return;
      const settings = await reward();
      const inviterId = current.inviter.toString();
      let awarded = 0;
      if (settings.enabled && (await Member.exists({ _id: current.inviter, status: 'active' }))) {
        const invitee = await Member.findById(input.memberId, { nickname: 1 }).lean<MemberDoc>();
        const result = await points.applyComputed(
          { memberId: inviterId, kind: 'task', source: { type: SOURCE_TYPE, id: input.memberId } },
          async (state, memberId) => {
            if (settings.monthlyCap !== null) {
              const used = await points.countCredits(
                { memberId, kind: 'task', sourceType: SOURCE_TYPE, since: monthStart(now) },
                state,
              );
              if (used >= settings.monthlyCap) {
                return { delta: 0, note: `邀请好友「${invitee?.nickname ?? ''}」完成首单（本月奖励已达上限）` };
              }
            }
            return { delta: settings.points, note: `邀请好友「${invitee?.nickname ?? ''}」完成首单` };
          },
          now,
        );
        awarded = result?.entry.delta ?? 0;
      }
      await Invitation.updateOne(
        { _id: input.memberId, status: 'ordered', qualifyingOrder: input.orderId },
        { $set: { status: awarded > 0 ? 'rewarded' : 'capped', rewardPoints: awarded, settledAt: now } },
      );
    },

    /**
     * An invitee's order was refunded. Before completion the qualifying order stops qualifying (the
     * inviter gets nothing for it); after a reward, the reward is taken back, once. Repeatable.
     */
    async onOrderRefunded(input: { memberId: string; orderId: string; orderNo: string }, now: Date = clock()) {
      const invitation = await Invitation.findById(input.memberId).lean<InvitationDoc>();
      if (!invitation || invitation.qualifyingOrder !== input.orderId) return;
      if (invitation.status === 'ordered') {
        await Invitation.updateOne(
          { _id: input.memberId, status: 'ordered', qualifyingOrder: input.orderId },
          { $set: { status: 'joined', qualifyingOrder: null, orderedAt: null } },
        );
        return;
      }
      if (invitation.status === 'rewarded') {
        await points.reverseCredit(
          {
            memberId: invitation.inviter.toString(),
            kind: 'task',
            source: { type: SOURCE_TYPE, id: input.memberId },
            note: `好友首单 ${input.orderNo} 已退款，收回邀请奖励`,
          },
          now,
        );
        await Invitation.updateOne(
          { _id: input.memberId, status: 'rewarded', qualifyingOrder: input.orderId },
          { $set: { rewardPoints: 0 } },
        );
      }
    },

    /** 邀请有礼 and 邀请记录: the member's code, the poster's scene, counts and the newest 50 friends. */
    async summary(memberId: string, now: Date = clock()): Promise<StoreInvitations> {
      const member = await activeMember(memberId);
      const settings = await reward();
      const invitees = await Member.find({ invitedBy: member._id }, { nickname: 1, avatarUrl: 1, createdAt: 1 })
        .sort({ createdAt: -1 })
        .limit(50)
        .lean<MemberDoc[]>();
      const ids = invitees.map((invitee) => invitee._id);
      const [invitations, entries, invitedCount, orderedCount, rewardedCount, rewardedThisMonth] = await Promise.all([
        Invitation.find({ _id: trustedOperators({ $in: ids }) }).lean<InvitationDoc[]>(),
        PointsEntry.find({
          member: member._id,
          'source.type': SOURCE_TYPE,
          'source.id': trustedOperators({ $in: ids.map(String) }),
        }).lean<{ kind: string; delta: number; source: { id: string } }[]>(),
        Member.countDocuments({ invitedBy: member._id }),
        Invitation.countDocuments({
          inviter: member._id,
          status: trustedOperators({ $in: ['ordered', 'rewarded', 'capped'] }),
        }),
        points.countCredits({ memberId, kind: 'task', sourceType: SOURCE_TYPE, since: new Date(0) }),
        points.countCredits({ memberId, kind: 'task', sourceType: SOURCE_TYPE, since: monthStart(now) }),
      ]);
      const byInvitee = new Map(invitations.map((invitation) => [invitation._id.toString(), invitation]));
      const net = new Map<string, { credited: boolean; reversed: boolean; points: number }>();
      for (const entry of entries) {
        const current = net.get(entry.source.id) ?? { credited: false, reversed: false, points: 0 };
        if (entry.kind === 'task') current.credited = true;
        if (entry.kind === 'reverse') current.reversed = true;
        current.points += entry.delta;
        net.set(entry.source.id, current);
      }
      const records = invitees.map((invitee): StoreInvitationRecord => {
        const id = invitee._id.toString();
        const ledger = net.get(id);
        let status: StoreInvitationRecord['status'] = byInvitee.get(id)?.status ?? 'joined';
        // The ledger is the truth about rewards (whoever booked them).
        if (ledger?.credited) status = ledger.reversed ? 'joined' : ledger.points > 0 ? 'rewarded' : 'capped';
        return {
          nickname: invitee.nickname,
          avatarUrl: invitee.avatarUrl ?? '',
          joinedAt: new Date(invitee.createdAt).toISOString(),
          status,
          statusText: STATUS_TEXT[status],
          rewardPoints: Math.max(0, ledger?.points ?? 0),
        };
      });
      return {
        code: member.inviteCode,
        path: `/pages/home/index?invite=${encodeURIComponent(member.inviteCode)}`,
        page: INVITE_JOIN_PAGE,
        scene: `${INVITE_SCENE_PREFIX}${member.inviteCode}`,
        rewardPoints: settings.enabled ? settings.points : 0,
        monthlyCap: settings.monthlyCap,
        rewardedThisMonth,
        invitedCount,
        orderedCount,
        rewardedCount,
        records,
      };
    },

    /** The poster's mini-program code for the member's invite (a local placeholder in demo mode). */
    async posterCode(memberId: string): Promise<{ contentType: string; bytes: Buffer }> {
      const member = await activeMember(memberId);
      const scene = `${INVITE_SCENE_PREFIX}${member.inviteCode}`;
      if (!options.wechat) return { contentType: 'image/png', bytes: placeholderMiniProgramCode(scene) };
      return options.wechat.unlimitedMiniProgramCode({ scene, page: INVITE_JOIN_PAGE });
    },
  };
  return service;
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
