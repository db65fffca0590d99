/**
 * Member identity (One ID): login through WeChat (or demo codes), identities claimed uniquely,
 * rotating refresh tokens, profile. Every write is a single-document atomic step that is safe to repeat.
 */

import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import {
  type Marketplace,
  type MemberView,
  maskPhone,
  type TierCode,
  UPLOAD_PATH_PATTERN,
  type UpdateProfileRequest,
} from '@siyu/shared';
import { Types } from 'mongoose';
import type { WechatClient, WechatSession } from '../../adapters/wechat';
import { containsPattern, trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import { activeMember } from './active-member';
import { Member, type MemberDoc, MemberIdentity, RefreshToken } from './member.model';
import { MemberMerge, type MemberMergeDoc } from './member-merge.model';
import { hashRefreshToken, newRefreshToken, type TokenSigner } from './tokens';

export interface IdentityServiceOptions {
  demoMode: boolean;
  wechat?: WechatClient;
  signer: TokenSigner;
  refreshTtlDays: number;
  /** Our uploads, for avatars: claims the member's own upload as their (publicly shown) avatar. */
  uploads?: { claimAvatar(memberId: string, url: string): Promise<string | null> };
  /** Called once when a member record is first created (invites, welcome tasks). */
  onMemberCreated?: (member: MemberDoc) => Promise<void>;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

/** A birthday, once set, can be changed again after this long. */
const BIRTHDAY_CHANGE_EVERY_MS = 365 * 86_400_000;
const DEMO_CODE = /^demo:([\p{L}\p{N}_-]{1,24})$/u;
const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function toMemberView(member: MemberDoc): MemberView {
  return {
    id: member._id.toString(),
    memberNo: member.memberNo,
    nickname: member.nickname,
    avatarUrl: member.avatarUrl ?? '',
    birthday: member.birthday ?? null,
    gender: member.gender ?? 'unknown',
    phone: member.phone ? maskPhone(member.phone) : null,
    tier: member.tier ?? 'regular',
    inviteCode: member.inviteCode,
    marketplaces: (member.marketplaces ?? []).map(({ platform, buyerId }) => ({ platform, buyerId })),
    createdAt: new Date(member.createdAt).toISOString(),
  };
}

/** A module's part of a One-ID merge: moves what `fromId` owns in that module to `toId`; idempotent. */
export type MoveMember = (fromId: string, toId: string) => Promise<unknown>;

export function createIdentityService(options: IdentityServiceOptions) {
  const { signer } = options;
  const mergeParticipants = new Map<string, MoveMember>();

  async function sessionFromCode(code: string): Promise<WechatSession & { demoName?: string }> {
    const demo = DEMO_CODE.exec(code);
    if (options.demoMode) {
      if (!demo) {
        throw new AppError('unauthenticated', 'demo_code_required', '演示模式下请使用 demo:<昵称> 登录');
      }
      return { openid: `demo:${demo[1]}`, demoName: demo[1] };
    }
    if (demo) throw new AppError('unauthenticated', 'wechat_code_invalid', '微信登录凭证无效，请重新登录');
    if (!options.wechat) throw new AppError('unavailable', 'wechat_not_configured', '微信登录未配置');
    return options.wechat.code2Session(code);
  }

  /**
   * Claims an identity for `memberId` and answers who holds it: the given member, or whoever claimed it
   * first. The unique _id makes this the one place where "two members, one identity" is decided.
   */
  async function claimIdentity(key: string, memberId: Types.ObjectId): Promise<Types.ObjectId> {
    try {
      await MemberIdentity.create({ _id: key, member: memberId });
      return memberId;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      const holder = await MemberIdentity.findById(key).lean();
      if (!holder) return claimIdentity(key, memberId);
      return holder.member;
    }
  }

  /**
   * Member numbers are random, not counted: `SY` + 10 digits (the first never 0), so a number says
   * nothing about how many members there are. The unique index decides a collision; the caller retries.
   */
  function newMemberNo(): string {
    const digits = randomInt(1_000_000_000, 10_000_000_000);
    return `SY${digits}`;
  }

  async function newInviteCode(): Promise<string> {
    const bytes = randomBytes(8);
    return Array.from(bytes, (byte) => INVITE_ALPHABET[byte % INVITE_ALPHABET.length]).join('');
  }

  /** Creates the member document for an id whose identity is already claimed; a repeat is a no-op. */
  async function ensureMemberRecord(
    memberId: Types.ObjectId,
    defaults: { nickname: string; unionid?: string; inviteCode?: string },
  ) {
    const existing = await Member.findById(memberId).lean<MemberDoc>();
    if (existing) return existing;
    const inviter = defaults.inviteCode
      ? await Member.findOne({ inviteCode: defaults.inviteCode.toUpperCase(), status: 'active' }, { _id: 1 }).lean()
      : null;
    for (let attempt = 0; ; attempt++) {
      const memberNo = newMemberNo();
      try {
        const result = await Member.findOneAndUpdate(
          { _id: memberId },
          {
            $setOnInsert: {
              memberNo,
              nickname: defaults.nickname,
              unionid: defaults.unionid ?? null,
              inviteCode: await newInviteCode(),
              invitedBy: inviter?._id ?? null,
            },
          },
          { upsert: true, new: true, lean: true, includeResultMetadata: true },
        );
        const member = result.value as unknown as MemberDoc;
        if (!result.lastErrorObject?.updatedExisting) await options.onMemberCreated?.(member);
        return member;
      } catch (error) {
        // A duplicate member number or invite code, or a racing first login on the same id: try again.
        if (!isDuplicateKey(error) || attempt > 3) throw error;
      }
    }
  }

  /**
   * The identity module's own part of a merge: everything `absorbed` was known by moves onto `survivor`
   * (identities, phone, marketplace links) and `absorbed` is marked merged, which also ends its logins.
   * Repeatable: each write is conditional or a set.
   */
  async function moveIdentities(survivor: Types.ObjectId, absorbed: Types.ObjectId): Promise<void> {
    const absorbedDoc = await Member.findById(absorbed).lean<MemberDoc>();
    await MemberIdentity.updateMany({ member: absorbed }, { $set: { member: survivor } });
    if (absorbedDoc) {
      if (absorbedDoc.phone)
        await Member.updateOne({ _id: survivor, phone: null }, { $set: { phone: absorbedDoc.phone } });
      for (const link of absorbedDoc.marketplaces ?? []) {
        await Member.updateOne(
          { _id: survivor },
          { $addToSet: { marketplaces: { platform: link.platform, buyerId: link.buyerId } } },
        );
      }
      await Member.updateOne(
        { _id: absorbed, status: 'active' },
        { $set: { status: 'merged', mergedInto: survivor }, $inc: { tokenVersion: 1 } },
      );
    }
  }

  /**
   * Runs a recorded merge to the end: identity first (the retired record stops acting), then every
   * registered module's `moveMember`, each marked done once it returned. Safe to run again after a
   * crash, and concurrently (every step is idempotent and made of conditional writes).
   */
  async function runMerge(intent: MemberMergeDoc, now: Date): Promise<boolean> {
    const from = intent._id.toString();
    const to = intent.into.toString();
    const steps: [string, () => Promise<unknown>][] = [
      ['identity', () => moveIdentities(intent.into, intent._id)],
      ...[...mergeParticipants].map(([name, move]): [string, () => Promise<unknown>] => [name, () => move(from, to)]),
    ];
    for (const [name, step] of steps) {
      if (intent.steps?.[name]) continue;
      try {
        await step();
      } catch (error) {
        await MemberMerge.updateOne({ _id: intent._id }, { $set: { lastError: `${name}: ${String(error)}` } });
        return false;
      }
      await MemberMerge.updateOne({ _id: intent._id }, { $set: { [`steps.${name}`]: now } });
    }
    await MemberMerge.updateOne(
      { _id: intent._id, status: 'pending' },
      { $set: { status: 'done', doneAt: now, lastError: null } },
    );
    return true;
  }

  /** Records the intent (first, so a crash leaves something to finish), then runs it. */
  async function mergeMembers(survivor: Types.ObjectId, absorbed: Types.ObjectId, now = new Date()): Promise<void> {
    await MemberMerge.updateOne(
      { _id: absorbed },
      { $setOnInsert: { into: survivor, status: 'pending', steps: {}, createdAt: now } },
      { upsert: true },
    ).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
    const intent = await MemberMerge.findById(absorbed).lean<MemberMergeDoc>();
    if (intent && intent.status === 'pending') await runMerge(intent, now);
  }

  async function resolveMember(
    session: WechatSession & { demoName?: string },
    inviteCode?: string,
  ): Promise<MemberDoc> {
    const openidKey = `openid:${session.openid}`;
    const unionKey = session.unionid ? `unionid:${session.unionid}` : undefined;
    const [byOpenid, byUnion] = await Promise.all([
      MemberIdentity.findById(openidKey).lean(),
      unionKey ? MemberIdentity.findById(unionKey).lean() : null,
    ]);
    let memberId = byUnion?.member ?? byOpenid?.member ?? new Types.ObjectId();
    if (unionKey && !byUnion) memberId = await claimIdentity(unionKey, memberId);
    const openidHolder = byOpenid?.member ?? (await claimIdentity(openidKey, memberId));
    if (!openidHolder.equals(memberId)) {
      // Two records turned out to be one person (same unionid): the older one survives.
      const [survivor, absorbed] =
        openidHolder.getTimestamp() <= memberId.getTimestamp() ? [openidHolder, memberId] : [memberId, openidHolder];
      await ensureMemberRecord(survivor, { nickname: session.demoName ?? '微信用户' });
      await mergeMembers(survivor, absorbed);
      memberId = survivor;
    }
    const member = await ensureMemberRecord(memberId, {
      nickname: session.demoName ?? `会员${session.openid.slice(-4)}`,
      ...(session.unionid ? { unionid: session.unionid } : {}),
      ...(inviteCode ? { inviteCode } : {}),
    });
    if (member.status === 'merged' && member.mergedInto) {
      return (await Member.findById(member.mergedInto).lean<MemberDoc>())!;
    }
    if (session.unionid && !member.unionid) {
      await Member.updateOne({ _id: member._id, unionid: null }, { $set: { unionid: session.unionid } });
    }
    return member;
  }

  async function issueTokens(
    member: Pick<MemberDoc, '_id' | 'tokenVersion'>,
    family: string = randomUUID(),
  ): Promise<IssuedTokens> {
    const refresh = newRefreshToken();
    await RefreshToken.create({
      _id: refresh.hash,
      member: member._id,
      family,
      tokenVersion: member.tokenVersion ?? 0,
      expiresAt: new Date(Date.now() + options.refreshTtlDays * 86_400_000),
    });
    return {
      accessToken: signer.sign('store', { sub: member._id.toString(), ver: member.tokenVersion ?? 0, sid: family }),
      refreshToken: refresh.token,
      expiresIn: signer.accessTtlSeconds,
    };
  }

  return {
    async login(code: string, inviteCode?: string) {
      const session = await sessionFromCode(code);
      const member = await resolveMember(session, inviteCode);
      const tokens = await issueTokens(member);
      return { ...tokens, member: toMemberView(member) };
    },

    /** Rotates a refresh token. A spent token presented again revokes its whole login (token theft). */
    async refresh(refreshToken: string): Promise<IssuedTokens> {
      const hash = hashRefreshToken(refreshToken);
      const now = new Date();
      const spent = await RefreshToken.findOneAndUpdate(
        { _id: hash, usedAt: null, revokedAt: null, expiresAt: trustedOperators({ $gt: now }) },
        { $set: { usedAt: now } },
        { lean: true },
      );
      if (!spent) {
        const known = await RefreshToken.findById(hash).lean();
        if (known?.usedAt && !known.revokedAt) {
          await RefreshToken.updateMany({ family: known.family, revokedAt: null }, { $set: { revokedAt: now } });
          throw new AppError('unauthenticated', 'refresh_token_reused', '登录凭证已被使用，为了安全请重新登录');
        }
        throw new AppError('unauthenticated', 'invalid_refresh_token', '登录已失效，请重新登录');
      }
      const member = await Member.findOne(
        { _id: spent.member, status: 'active' },
        { tokenVersion: 1 },
      ).lean<MemberDoc>();
      if (!member || (member.tokenVersion ?? 0) !== spent.tokenVersion) {
        throw new AppError('unauthenticated', 'session_revoked', '登录已失效，请重新登录');
      }
      return issueTokens(member, spent.family);
    },

    /**
     * Ends this login: its refresh tokens and (through `sessionId`, the login the access token names) its
     * access tokens, at once. `everywhere` ends every login of the member.
     */
    async logout(
      memberId: string,
      input: { refreshToken?: string; everywhere?: boolean; sessionId?: string | undefined },
    ): Promise<void> {
      const now = new Date();
      if (input.everywhere) {
        await Member.updateOne({ _id: memberId }, { $inc: { tokenVersion: 1 } });
        await RefreshToken.updateMany({ member: memberId, revokedAt: null }, { $set: { revokedAt: now } });
        return;
      }
      if (input.sessionId) {
        await RefreshToken.updateMany(
          { family: input.sessionId, member: memberId, revokedAt: null },
          { $set: { revokedAt: now } },
        );
      }
      if (input.refreshToken) {
        const token = await RefreshToken.findOne({
          _id: hashRefreshToken(input.refreshToken),
          member: memberId,
        }).lean();
        if (token)
          await RefreshToken.updateMany({ family: token.family, revokedAt: null }, { $set: { revokedAt: now } });
      }
    },

    async me(memberId: string): Promise<MemberView> {
      return toMemberView(await activeMember(memberId));
    },

    /**
     * Changes the profile. An avatar that is one of our uploads must be the member's own (it is then
     * kept as theirs and shown to anyone who sees the avatar). The birthday can be set, and then changed
     * at most once a year (birthday points are a yearly gift, not something to move to today): the
     * guard is in the update's filter, so two racing changes cannot both pass.
     */
    async updateProfile(memberId: string, patch: UpdateProfileRequest, now = new Date()): Promise<MemberView> {
      const current = await activeMember(memberId);
      const set: Record<string, unknown> = { ...patch };
      if (patch.avatarUrl !== undefined && patch.avatarUrl !== current.avatarUrl) {
        const path = new URL(patch.avatarUrl, 'http://relative.invalid').pathname;
        if (UPLOAD_PATH_PATTERN.test(path)) {
          const owned = await options.uploads?.claimAvatar(memberId, patch.avatarUrl);
          if (!owned) throw new AppError('bad_request', 'avatar_not_yours', '头像须为本人上传的图片');
          set.avatarUrl = owned;
        }
      }
      const filter: Record<string, unknown> = { _id: current._id, status: 'active' };
      if (patch.birthday === undefined || patch.birthday === current.birthday) {
        delete set.birthday;
      } else {
        set.birthdayChangedAt = now;
        filter.$or = [
          { birthdayChangedAt: null },
          { birthdayChangedAt: trustedOperators({ $lte: new Date(now.getTime() - BIRTHDAY_CHANGE_EVERY_MS) }) },
        ];
      }
      const member = await Member.findOneAndUpdate(filter, { $set: set }, { new: true }).lean<MemberDoc>();
      if (!member) {
        const latest = await activeMember(memberId);
        const nextChangeAt = new Date((latest.birthdayChangedAt ?? now).getTime() + BIRTHDAY_CHANGE_EVERY_MS);
        throw new AppError('conflict', 'birthday_change_limited', '生日每年只能修改一次', {
          nextChangeAt: nextChangeAt.toISOString(),
        });
      }
      return toMemberView(member);
    },

    async bindPhone(memberId: string, code: string): Promise<MemberView> {
      let phone: string;
      if (options.demoMode) {
        const match = /^demo:(1[3-9]\d{9})$/.exec(code);
        if (!match)
          throw new AppError('bad_request', 'wechat_phone_code_invalid', '演示模式下请使用 demo:<手机号> 作为授权码');
        phone = match[1]!;
      } else {
        if (!options.wechat) throw new AppError('unavailable', 'wechat_not_configured', '微信登录未配置');
        phone = (await options.wechat.phoneNumber(code)).phone;
      }
      const member = await activeMember(memberId);
      if (member.phone === phone) return toMemberView(member);
      const holder = await claimIdentity(`phone:${phone}`, member._id);
      if (!holder.equals(member._id)) {
        throw new AppError('conflict', 'phone_taken', '该手机号已绑定其他会员账号');
      }
      const updated = await Member.findOneAndUpdate(
        { _id: member._id },
        { $set: { phone } },
        { new: true },
      ).lean<MemberDoc>();
      if (member.phone) await MemberIdentity.deleteOne({ _id: `phone:${member.phone}`, member: member._id });
      return toMemberView(updated!);
    },

    async linkMarketplace(memberId: string, platform: Marketplace, buyerId: string): Promise<MemberView> {
      const member = await activeMember(memberId);
      const holder = await claimIdentity(`${platform}:${buyerId}`, member._id);
      if (!holder.equals(member._id)) {
        throw new AppError('conflict', 'marketplace_id_taken', '该平台买家账号已关联其他会员');
      }
      const updated = await Member.findOneAndUpdate(
        { _id: member._id },
        { $addToSet: { marketplaces: { platform, buyerId } } },
        { new: true },
      ).lean<MemberDoc>();
      return toMemberView(updated!);
    },

    async unlinkMarketplace(memberId: string, platform: Marketplace, buyerId: string): Promise<MemberView> {
      const member = await activeMember(memberId);
      await MemberIdentity.deleteOne({ _id: `${platform}:${buyerId}`, member: member._id });
      const updated = await Member.findOneAndUpdate(
        { _id: member._id },
        { $pull: { marketplaces: { platform, buyerId } } },
        { new: true },
      ).lean<MemberDoc>();
      return toMemberView(updated!);
    },

    /** The support desk's search: member number, nickname or phone contains `q`; newest first. */
    async searchMembers(query: {
      q?: string | undefined;
      tier?: TierCode | undefined;
      page: number;
      pageSize: number;
    }) {
      const filter: Record<string, unknown> = { status: 'active' };
      if (query.tier) filter.tier = query.tier;
      if (query.q) {
        const pattern = containsPattern(query.q);
        filter.$or = [
          { memberNo: trustedOperators({ $regex: pattern }) },
          { nickname: trustedOperators({ $regex: pattern }) },
          { phone: trustedOperators({ $regex: pattern }) },
        ];
      }
      const [items, total] = await Promise.all([
        Member.find(filter)
          .sort({ createdAt: -1 })
          .skip((query.page - 1) * query.pageSize)
          .limit(query.pageSize)
          .lean<MemberDoc[]>(),
        Member.countDocuments(filter),
      ]);
      return { items, total };
    },

    /** Any member record, merged ones included (support needs to see where a record went). */
    async memberForSupport(memberId: string): Promise<MemberDoc> {
      const member = Types.ObjectId.isValid(memberId) ? await Member.findById(memberId).lean<MemberDoc>() : null;
      if (!member) throw new AppError('not_found', 'member_not_found', '会员不存在');
      return member;
    },

    /**
     * Registers a module's part of One-ID merges (in app.ts createServices): the merge runner calls
     * `move(retiredId, survivorId)` once per merge, again after a crash until it returns.
     */
    registerMergeParticipant(name: string, move: MoveMember): void {
      if (mergeParticipants.has(name) || name === 'identity') throw new Error(`merge participant ${name} exists`);
      mergeParticipants.set(name, move);
    },

    /** Merges two records found to be one person (the older survives); used by login and by tests. */
    async mergeMembers(survivorId: string, absorbedId: string, now = new Date()): Promise<void> {
      await mergeMembers(new Types.ObjectId(survivorId), new Types.ObjectId(absorbedId), now);
    },

    /** The merge job: finishes every merge a crash or a failing module left unfinished. */
    async finishMerges(now = new Date()): Promise<number> {
      const pending = await MemberMerge.find({ status: 'pending' })
        .sort({ createdAt: 1 })
        .limit(50)
        .lean<MemberMergeDoc[]>();
      let finished = 0;
      for (const intent of pending) if (await runMerge(intent, now)) finished++;
      return finished;
    },

    /** Whether `openid` (the WeChat payer of a trade) is one of this member's identities. */
    async holdsOpenid(memberId: string, openid: string): Promise<boolean> {
      return (await MemberIdentity.exists({ _id: `openid:${openid}`, member: memberId })) !== null;
    },

    async removeExpiredRefreshTokens(now = new Date()): Promise<number> {
      const result = await RefreshToken.deleteMany({ expiresAt: trustedOperators({ $lt: now }) });
      return result.deletedCount;
    },
  };
}

export type IdentityService = ReturnType<typeof createIdentityService>;
