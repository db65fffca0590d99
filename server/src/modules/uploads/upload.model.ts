import { model, Schema, type Types } from 'mongoose';

/** A member's uploaded image; the file lives under DATA_DIR/uploads/<_id>. */
const uploadSchema = new Schema(
  {
    _id: { type: String, required: true }, // <32 hex>.<png|jpg|webp>
    member: { type: Schema.Types.ObjectId, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    /**
     * What the image became: a review screenshot (private: served only through short-lived signed
     * links handed to its member and support) or the member's avatar (shown to anyone). Null = not used
     * yet; unused uploads are removed after a day.
     */
    usedAs: { type: String, enum: ['review', 'avatar', null], default: null },
    usedAt: { type: Date, default: null },
  },
  { collection: 'uploads', versionKey: false },
);
uploadSchema.index({ member: 1, createdAt: -1 });
uploadSchema.index({ usedAs: 1, createdAt: 1 });

export interface UploadDoc {
  _id: string;
  member: Types.ObjectId;
  contentType: string;
  size: number;
  createdAt: Date;
  usedAs?: UploadUse | null;
  usedAt?: Date | null;
}
export type UploadUse = 'review' | 'avatar';
export const Upload = model<UploadDoc>('Upload', uploadSchema);
