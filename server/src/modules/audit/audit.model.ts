import { model, Schema } from 'mongoose';

/** Who did what in the admin: stock adjustments, manual points, role changes. Append-only. */
const adminAuditSchema = new Schema(
  {
    admin: { type: Schema.Types.ObjectId, required: true },
    action: { type: String, required: true },
    target: {
      type: new Schema(
        { type: { type: String, required: true }, id: { type: String, required: true } },
        { _id: false },
      ),
      required: true,
    },
    reason: { type: String, default: '' },
    changes: { type: Schema.Types.Mixed, default: {} },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'admin_audit' },
);
adminAuditSchema.index({ 'target.type': 1, 'target.id': 1, createdAt: -1 });
export const AdminAudit = model('AdminAudit', adminAuditSchema);
