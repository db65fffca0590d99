import type { Marketplace, TierCode } from '@siyu/shared';
import { GENDERS, MARKETPLACES, TIER_CODES } from '@siyu/shared';
import { model, Schema, type Types } from 'mongoose';

/**
 * A member: one record however they arrive (openid, unionid, phone, marketplace buyer ids).
 * The identities themselves are claimed in `member_identities` (unique by _id), which is what keeps
 * two members from ever holding the same one; the copies here are for reading.
 */
const memberSchema = new Schema(
  {
    memberNo: { type: String, required: true },
    status: { type: String, enum: ['active', 'merged'], default: 'active' },
    /** Set when this record was merged into another because both turned out to share a unionid. */
    mergedInto: { type: Schema.Types.ObjectId, default: null },
    unionid: { type: String, default: null },
    phone: { type: String, default: null },
    marketplaces: {
      type: [
        {
          _id: false,
          platform: { type: String, enum: MARKETPLACES, required: true },
          buyerId: { type: String, required: true },
        },
      ],
      default: [],
    },
    nickname: { type: String, required: true },
    avatarUrl: { type: String, default: '' },
    birthday: { type: String, default: null },
    /** When the birthday was last set or changed: it can change again a year later. */
    birthdayChangedAt: { type: Date, default: null },
    gender: { type: String, enum: GENDERS, default: 'unknown' },
    tier: { type: String, enum: TIER_CODES, default: 'regular' },
    inviteCode: { type: String, required: true },
    invitedBy: { type: Schema.Types.ObjectId, default: null },
    /** Bumped by "log out everywhere": every access and refresh token of an older version stops working. */
    tokenVersion: { type: Number, default: 0 },
    // Membership (modules/membership, modules/points). Balances move only through their ledgers: each
    // balance equals the sum of its ledger entries with seq <= the matching seq (see sequenced-ledger.ts).
    growth: { type: Number, default: 0 },
    growthSeq: { type: Number, default: 0 },
    pointsBalance: { type: Number, default: 0 },
    pointsSeq: { type: Number, default: 0 },
    /** When the member entered their current tier (registration for the base tier). */
    tierSince: { type: Date, default: null },
    /** Next yearly review of the tier (null for the base tier, which cannot go lower). */
    tierReviewAt: { type: Date, default: null },
    /** The Shanghai year whose birthday points were last credited. */
    birthdayPointsYear: { type: Number, default: null },
  },
  { timestamps: true, collection: 'members' },
);
memberSchema.index({ memberNo: 1 }, { unique: true });
memberSchema.index({ inviteCode: 1 }, { unique: true });
memberSchema.index({ createdAt: -1 });
memberSchema.index({ invitedBy: 1 });
memberSchema.index({ tierReviewAt: 1 });

/** A member as read with lean(). */
export interface MemberDoc {
  _id: Types.ObjectId;
  memberNo: string;
  status: 'active' | 'merged';
  mergedInto: Types.ObjectId | null;
  unionid: string | null;
  phone: string | null;
  marketplaces: { platform: Marketplace; buyerId: string }[];
  nickname: string;
  avatarUrl: string;
  birthday: string | null;
  birthdayChangedAt?: Date | null;
  gender: 'unknown' | 'male' | 'female';
  tier: TierCode;
  inviteCode: string;
  invitedBy: Types.ObjectId | null;
  tokenVersion: number;
  growth: number;
  growthSeq: number;
  pointsBalance: number;
  pointsSeq: number;
  tierSince: Date | null;
  tierReviewAt: Date | null;
  birthdayPointsYear: number | null;
  createdAt: Date;
  updatedAt: Date;
}
export const Member = model('Member', memberSchema);

/**
 * Claimed identities, keyed `<kind>:<value>` (`openid:…`, `unionid:…`, `phone:…`, `tmall:…`).
 * The _id is the uniqueness guarantee on every engine (no sparse/partial index needed).
 */
const memberIdentitySchema = new Schema(
  {
    _id: { type: String, required: true },
    member: { type: Schema.Types.ObjectId, required: true },
  },
  { timestamps: true, collection: 'member_identities' },
);
memberIdentitySchema.index({ member: 1 });
export const MemberIdentity = model('MemberIdentity', memberIdentitySchema);

/** Rotating refresh tokens: one family per login; reuse of a spent token revokes the family. */
const refreshTokenSchema = new Schema(
  {
    _id: { type: String, required: true }, // sha256 of the token
    member: { type: Schema.Types.ObjectId, required: true },
    family: { type: String, required: true },
    tokenVersion: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'refresh_tokens' },
);
refreshTokenSchema.index({ family: 1 });
refreshTokenSchema.index({ expiresAt: 1 });
export const RefreshToken = model('RefreshToken', refreshTokenSchema);
