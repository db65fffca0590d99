/**
 * Redeem codes (兑换码): batches of unique codes for a template, exported as CSV, redeemed once each.
 *
 * Redeeming: (1) rate limits per member and per IP (429 with Retry-After) against guessing;
 * (2) the code is claimed by one conditional update (`redeemedBy: null → member`): of two members at
 * once, one wins; (3) the coupon is issued under the grant `redeem:<code>` (idempotent). When (3)
 * refuses (sold out, limit), (2) is undone by the same member's guard. A crash between (2) and (3)
 * leaves the code held by that member without a coupon; the same member redeeming again finishes it.
 */
import { randomInt } from 'node:crypto';
import type { StoreMemberCoupon } from '@siyu/shared';
import { Types } from 'mongoose';
import { trustedOperators } from '../../db/connection';
import { AppError, isDuplicateKey } from '../../http/errors';
import { consumeRateLimit } from '../../http/rate-limit';
import { RedeemBatch, type RedeemBatchDoc, RedeemCode, type RedeemCodeDoc } from './coupon.model';
import { objectId, type Wallet } from './wallet.service';

/** No 0/O, 1/I/L: codes are read off cards and typed by hand. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const CODE_LENGTH = 12;

function newCode(): string {
  let code = '';
  for (let index = 0; index < CODE_LENGTH; index++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

export interface RedeemLimits {
  perMemberPerWindow: number;
  perIpPerWindow: number;
  windowSeconds: number;
}

export function createRedeem(wallet: Wallet, limits: RedeemLimits) {
  async function batchView(batch: RedeemBatchDoc) {
    const redeemed = await RedeemCode.countDocuments({ batch: batch._id, redeemedBy: trustedOperators({ $ne: null }) });
    return {
      id: batch._id.toString(),
      templateId: batch.template.toString(),
      name: batch.name ?? '',
      count: batch.count,
      redeemed,
      createdAt: new Date(batch.createdAt).toISOString(),
      csvPath: `/api/admin/coupons/redeem-batches/${batch._id.toString()}/codes.csv`,
    };
  }

  return {
    /** Creates `count` unique codes; a code that collides with an existing one is drawn again. */
    async createBatch(templateId: string, input: { count: number; name?: string | undefined }, adminId?: string) {
      const template = await wallet.loadTemplate(templateId);
      if (!template.channels.includes('redeem')) {
        throw new AppError('conflict', 'coupon_channel_closed', '该优惠券未开放兑换码发放');
      }
      const batch = await RedeemBatch.create({
        template: template._id,
        name: input.name ?? '',
        count: input.count,
        createdBy: adminId ?? null,
      });
      let missing = input.count;
      for (let round = 0; missing > 0 && round < 10; round++) {
        const docs = Array.from({ length: missing }, () => ({
          _id: newCode(),
          batch: batch._id,
          template: template._id,
        }));
        try {
          await RedeemCode.insertMany(docs, { ordered: false });
          missing = 0;
        } catch (error) {
          if (!isDuplicateKey(error) && !(error as { writeErrors?: unknown }).writeErrors) throw error;
          missing = input.count - (await RedeemCode.countDocuments({ batch: batch._id }));
        }
      }
      return batchView(batch.toObject() as RedeemBatchDoc);
    },

    async listBatches(templateId: string) {
      const template = await wallet.loadTemplate(templateId);
      const batches = await RedeemBatch.find({ template: template._id })
        .sort({ createdAt: -1 })
        .lean<RedeemBatchDoc[]>();
      return Promise.all(batches.map(batchView));
    },

    /** `code,redeemed,redeemed_at` for every code of the batch. */
    async exportCsv(batchId: string): Promise<{ filename: string; csv: string }> {
      const batch = await RedeemBatch.findById(objectId(batchId, 'redeem_batch_not_found', '兑换码批次不存在')).lean();
      if (!batch) throw new AppError('not_found', 'redeem_batch_not_found', '兑换码批次不存在');
      const codes = await RedeemCode.find({ batch: batch._id }).sort({ _id: 1 }).lean<RedeemCodeDoc[]>();
      const rows = codes.map(
        (code) =>
          `${code._id},${code.redeemedBy ? 'yes' : 'no'},${code.redeemedAt ? code.redeemedAt.toISOString() : ''}`,
      );
      return {
        filename: `redeem-codes-${batch._id.toString()}.csv`,
        csv: `code,redeemed,redeemed_at\n${rows.join('\n')}\n`,
      };
    },

    async redeem(member: { id: string }, code: string, ip: string): Promise<StoreMemberCoupon> {
      await consumeRateLimit('coupon-redeem-member', member.id, limits.perMemberPerWindow, limits.windowSeconds);
      await consumeRateLimit('coupon-redeem-ip', ip, limits.perIpPerWindow, limits.windowSeconds);
      const memberId = new Types.ObjectId(member.id);
      const now = new Date();
      const claimed = await RedeemCode.findOneAndUpdate(
        { _id: code, redeemedBy: null },
        { $set: { redeemedBy: memberId, redeemedAt: now } },
        { new: true, lean: true },
      );
      const held = claimed ?? (await RedeemCode.findOne({ _id: code }).lean<RedeemCodeDoc>());
      if (!held) throw new AppError('not_found', 'redeem_code_invalid', '兑换码无效，请核对后重试');
      if (!held.redeemedBy?.equals(memberId)) {
        throw new AppError('conflict', 'redeem_code_used', '该兑换码已被使用');
      }
      try {
        const coupon = await wallet.issue(member.id, held.template.toString(), { channel: 'redeem', key: code });
        await RedeemCode.updateOne(
          { _id: code, redeemedBy: memberId },
          { $set: { coupon: new Types.ObjectId(coupon.id) } },
        );
        return coupon;
      } catch (error) {
        if (error instanceof AppError && error.type === 'conflict') {
          // The coupon could not be issued (sold out, over the limit): the code goes back unused.
          await RedeemCode.updateOne(
            { _id: code, redeemedBy: memberId, coupon: null },
            { $set: { redeemedBy: null, redeemedAt: null } },
          );
        }
        throw error;
      }
    },
  };
}

export type Redeem = ReturnType<typeof createRedeem>;
