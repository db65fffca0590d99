import { POINTS_KINDS } from '@siyu/shared';
import { model, Schema, type Types } from 'mongoose';
import { type LedgerEntryDoc, ledgerEntrySchema } from '../../db/sequenced-ledger';

/**
 * The points ledger: append-only, one entry per cause (member + kind + source), seq per member.
 * `pointsBalance`/`pointsSeq` on the member are its running total (see sequenced-ledger.ts).
 */
const pointsEntrySchema = ledgerEntrySchema(POINTS_KINDS, 'points_ledger');
pointsEntrySchema.index({ expiresAt: 1 });
pointsEntrySchema.index({ member: 1, 'source.type': 1, createdAt: -1 });
export const PointsEntry = model<LedgerEntryDoc>('PointsEntry', pointsEntrySchema);

/**
 * One per expiry date: the expiry job has handled every member whose credits expiring that day were
 * written before `watermark` (an ObjectId, i.e. a moment). Later runs look only at newer entries.
 */
const pointsExpiryRunSchema = new Schema(
  {
    _id: { type: String, required: true }, // YYYY-MM-DD of the expiry date (Asia/Shanghai)
    watermark: { type: Schema.Types.ObjectId, required: true },
    ranAt: { type: Date, required: true },
  },
  { collection: 'points_expiry_runs', versionKey: false },
);
export interface PointsExpiryRunDoc {
  _id: string;
  watermark: Types.ObjectId;
  ranAt: Date;
}
export const PointsExpiryRun = model<PointsExpiryRunDoc>('PointsExpiryRun', pointsExpiryRunSchema);
