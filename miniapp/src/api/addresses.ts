/** The member's address book. The server validates every field (mainland mobile, lengths); its message is shown. */
import {
  type AddressView,
  AddressViewSchema,
  type CreateAddressRequest,
  type UpdateAddressRequest,
} from '@siyu/shared';
import { request } from './client';

const AddressListShape = AddressViewSchema.array();

export function fetchAddresses(options: { silent?: boolean } = {}): Promise<AddressView[]> {
  return request({ path: '/addresses', silent: options.silent }, AddressListShape);
}

export function fetchAddress(id: string, options: { silent?: boolean } = {}): Promise<AddressView> {
  return request({ path: `/addresses/${encodeURIComponent(id)}`, silent: options.silent }, AddressViewSchema);
}

export function createAddress(body: CreateAddressRequest): Promise<AddressView> {
  return request({ method: 'POST', path: '/addresses', body: { ...body } }, AddressViewSchema);
}

export function updateAddress(id: string, body: UpdateAddressRequest): Promise<AddressView> {
  return request(
    { method: 'PATCH', path: `/addresses/${encodeURIComponent(id)}`, body: { ...body } },
    AddressViewSchema,
  );
}

export function deleteAddress(id: string): Promise<void> {
  return request({ method: 'DELETE', path: `/addresses/${encodeURIComponent(id)}` });
}

/** '浙江省 杭州市 西湖区 龙井路 1 号' */
export function addressLine(address: Pick<AddressView, 'province' | 'city' | 'district' | 'detail'>): string {
  return [address.province, address.city, address.district, address.detail].filter(Boolean).join(' ');
}
