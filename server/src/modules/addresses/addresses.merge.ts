/**
 * One-ID merge, the address-book part: the retired record's addresses become the survivor's. The
 * survivor's default stays their default (the retired record's default pointer is left behind with it).
 * One conditional update on `member: from`: repeating it moves nothing.
 */
import { Address } from './address.model';

export async function moveAddressesMember(fromId: string, toId: string): Promise<{ moved: number }> {
  if (fromId === toId) return { moved: 0 };
  const result = await Address.updateMany({ member: fromId }, { $set: { member: toId } });
  return { moved: result.modifiedCount };
}
