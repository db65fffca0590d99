import { model, Schema, type Types } from 'mongoose';

const addressSchema = new Schema(
  {
    member: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    phone: { type: String, required: true },
    province: { type: String, required: true },
    city: { type: String, required: true },
    district: { type: String, required: true },
    detail: { type: String, required: true },
  },
  { timestamps: true, collection: 'addresses' },
);
addressSchema.index({ member: 1, updatedAt: -1 });

export interface AddressDoc {
  _id: Types.ObjectId;
  member: Types.ObjectId;
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  createdAt: Date;
  updatedAt: Date;
}
export const Address = model('Address', addressSchema);

/**
 * Which address is the member's default, as one pointer in one document per member: choosing a new
 * default is a single `$set`, so two defaults can never exist, however requests interleave.
 */
const addressBookSchema = new Schema(
  {
    _id: { type: Schema.Types.ObjectId, required: true },
    defaultId: { type: Schema.Types.ObjectId, default: null },
  },
  { timestamps: true, collection: 'address_books' },
);
export interface AddressBookDoc {
  _id: Types.ObjectId;
  defaultId: Types.ObjectId | null;
}
export const AddressBook = model('AddressBook', addressBookSchema);
