import { model, Schema, type Types } from 'mongoose';

/** A member's uploaded image; the file lives under DATA_DIR/uploads/<_id>. */
const uploadSchema = new Schema(
  {
    _id: { type: String, required: true }, // <32 hex>.<png|jpg|webp>
    member: { type: Schema.Types.ObjectId, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'uploads', versionKey: false },
);
uploadSchema.index({ member: 1, createdAt: -1 });

export interface UploadDoc {
  _id: string;
  member: Types.ObjectId;
  contentType: string;
  size: number;
  createdAt: Date;
}
export const Upload = model<UploadDoc>('Upload', uploadSchema);
