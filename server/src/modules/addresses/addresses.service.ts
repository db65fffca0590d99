/**
 * The member's address book. A member only ever reaches their own addresses (every query is keyed by
 * member; another member's id is a 404). At most ADDRESS_BOOK_LIMIT addresses; exactly one default
 * whenever there is any address: the default is a pointer (AddressBook.defaultId), and when it points
 * nowhere (first address, default deleted, a crash between steps) the most recent address is the default.
 */
import {
  ADDRESS_BOOK_LIMIT,
  type AddressView,
  type CreateAddressRequest,
  type UpdateAddressRequest,
} from '@siyu/shared';
import { Types } from 'mongoose';
import { conflict, isDuplicateKey, notFound } from '../../http/errors';
import { Address, AddressBook, type AddressBookDoc, type AddressDoc } from './address.model';

const addressNotFound = () => notFound('address_not_found', '收货地址不存在');
const bookFull = () => conflict('address_book_full', `最多保存 ${ADDRESS_BOOK_LIMIT} 个收货地址，请先删除不用的地址`);

function toView(address: AddressDoc, defaultId: Types.ObjectId | null): AddressView {
  return {
    id: address._id.toString(),
    name: address.name,
    phone: address.phone,
    province: address.province,
    city: address.city,
    district: address.district,
    detail: address.detail,
    isDefault: defaultId?.equals(address._id) ?? false,
    createdAt: new Date(address.createdAt).toISOString(),
    updatedAt: new Date(address.updatedAt).toISOString(),
  };
}

function ids(memberId: string, addressId?: string) {
  const member = new Types.ObjectId(memberId);
  if (addressId === undefined) return { member, address: null };
  return { member, address: /^[0-9a-f]{24}$/i.test(addressId) ? new Types.ObjectId(addressId) : null };
}

export function createAddressesService() {
  /** All of a member's addresses, most recent first. */
  async function addressesOf(member: Types.ObjectId): Promise<AddressDoc[]> {
    return Address.find({ member }).sort({ updatedAt: -1, _id: -1 }).lean<AddressDoc[]>();
  }

  async function setDefault(member: Types.ObjectId, addressId: Types.ObjectId | null): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await AddressBook.updateOne({ _id: member }, { $set: { defaultId: addressId } }, { upsert: true });
        return;
      } catch (error) {
        if (!isDuplicateKey(error) || attempt > 1) throw error; // two first upserts raced: retry
      }
    }
  }

  /**
   * The member's default address id: the pointer when it points at one of `addresses`; otherwise the
   * most recent address, which is then written down so the default does not move with later edits.
   */
  async function defaultOf(member: Types.ObjectId, addresses: readonly AddressDoc[]): Promise<Types.ObjectId | null> {
    const book = await AddressBook.findById(member, { defaultId: 1 }).lean<AddressBookDoc>();
    const pointer = book?.defaultId ?? null;
    if (pointer && addresses.some((address) => address._id.equals(pointer))) return pointer;
    const chosen = addresses[0]?._id ?? null;
    if (!chosen) return null;
    // Conditional on the pointer we read, so a concurrent "set default" is not overwritten.
    if (book) await AddressBook.updateOne({ _id: member, defaultId: pointer }, { $set: { defaultId: chosen } });
    else await setDefault(member, chosen);
    return chosen;
  }

  async function findOwn(memberId: string, addressId: string): Promise<AddressDoc> {
    const { member, address: id } = ids(memberId, addressId);
    const address = id ? await Address.findOne({ _id: id, member }).lean<AddressDoc>() : null;
    if (!address) throw addressNotFound();
    return address;
  }

  async function viewOf(memberId: string, addressId: string): Promise<AddressView> {
    const address = await findOwn(memberId, addressId);
    const member = address.member;
    return toView(address, await defaultOf(member, await addressesOf(member)));
  }

  return {
    /** Default first, then the most recent. */
    async list(memberId: string): Promise<AddressView[]> {
      const { member } = ids(memberId);
      const addresses = await addressesOf(member);
      const defaultId = await defaultOf(member, addresses);
      return addresses
        .map((address) => toView(address, defaultId))
        .sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
    },

    get: viewOf,

    /**
     * Adds an address. The limit is checked again after the insert (count, and take it back when
     * over), so concurrent adds can never leave more than the limit behind.
     */
    async create(memberId: string, input: CreateAddressRequest): Promise<AddressView> {
      const { member } = ids(memberId);
      const { isDefault, ...fields } = input;
      const existing = await addressesOf(member);
      if (existing.length >= ADDRESS_BOOK_LIMIT) throw bookFull();
      // Pin the current default first, so the new (now most recent) address does not take it silently.
      if (!isDefault && existing.length) await defaultOf(member, existing);
      const created = await Address.create({ ...fields, member });
      if ((await Address.countDocuments({ member })) > ADDRESS_BOOK_LIMIT) {
        await Address.deleteOne({ _id: created._id });
        throw bookFull();
      }
      if (isDefault || existing.length === 0) await setDefault(member, created._id);
      return viewOf(memberId, created._id.toString());
    },

    /** `isDefault: true` makes it the default; `false` on the default hands that to the most recent other address. */
    async update(memberId: string, addressId: string, patch: UpdateAddressRequest): Promise<AddressView> {
      const current = await findOwn(memberId, addressId);
      const { isDefault, ...fields } = patch;
      if (Object.keys(fields).length) {
        await Address.updateOne({ _id: current._id, member: current.member }, { $set: fields });
      }
      if (isDefault === true) await setDefault(current.member, current._id);
      if (isDefault === false) {
        const addresses = await addressesOf(current.member);
        if ((await defaultOf(current.member, addresses))?.equals(current._id)) {
          const next = addresses.find((address) => !address._id.equals(current._id));
          if (next) await setDefault(current.member, next._id);
        }
      }
      return viewOf(memberId, addressId);
    },

    /** Deleting the default makes the most recent remaining address the default. */
    async remove(memberId: string, addressId: string): Promise<void> {
      const address = await findOwn(memberId, addressId);
      const result = await Address.deleteOne({ _id: address._id, member: address.member });
      if (result.deletedCount === 0) throw addressNotFound();
      const next = (await addressesOf(address.member))[0];
      // Only if it still points at the deleted one: a concurrent "set default" wins.
      await AddressBook.updateOne(
        { _id: address.member, defaultId: address._id },
        { $set: { defaultId: next?._id ?? null } },
      );
    },

    /**
     * The address an order ships to; 404 when it is not this member's. One read: an order keeps only
     * the shipping fields, so whether it is the default does not matter here (answered as false).
     */
    async getForOrder(memberId: string, addressId: string): Promise<AddressView> {
      return toView(await findOwn(memberId, addressId), null);
    },
  };
}

export type AddressesService = ReturnType<typeof createAddressesService>;
