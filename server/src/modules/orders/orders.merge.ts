/**
 * One-ID merge, the orders part: the retired record's orders become the survivor's. Each order moves by
 * one conditional update on `member: from`, so repeating the merge moves nothing twice and a crash is
 * finished by running it again. Stock, points and coupon holds are keyed by the order, not the member,
 * so they stay valid; later events of a moved order (payment, cancel, refund) reach the survivor.
 * An order whose Idempotency-Key the survivor happens to have used too keeps a suffixed key.
 */
import { Types } from 'mongoose';
import { isDuplicateKey } from '../../http/errors';
import { Order } from './order.model';

export async function moveOrdersMember(fromId: string, toId: string): Promise<{ moved: number }> {
  if (fromId === toId) return { moved: 0 };
  const from = new Types.ObjectId(fromId);
  const to = new Types.ObjectId(toId);
  let moved = 0;
  for (const order of await Order.find({ member: from }, { _id: 1, idempotencyKey: 1 }).lean()) {
    try {
      moved += (await Order.updateOne({ _id: order._id, member: from }, { $set: { member: to } })).modifiedCount;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      moved += (
        await Order.updateOne(
          { _id: order._id, member: from },
          { $set: { member: to, idempotencyKey: `${order.idempotencyKey}:merged:${fromId}` } },
        )
      ).modifiedCount;
    }
  }
  return { moved };
}
