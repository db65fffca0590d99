/**
 * The gift hold: an order containing a package-card gift SKU (the 1-fen repurchase gift) must take
 * the member's gift grant, one unit per grant. The grant's `usedBy` names the order (the proof), so
 * taking again for the same order takes nothing more, and giving back on failure or cancel clears
 * exactly that order's claim. A refunded gift stays used (the member had it once).
 */
import { AppError } from '../../http/errors';
import type { OrderHold } from '../orders/order-extensions';
import type { PackageCardsService } from './package-cards.service';

export function createGiftHold(packageCards: PackageCardsService): OrderHold {
  async function giftLines(order: Parameters<OrderHold['take']>[0]) {
    const skuIds = [...new Set(order.items.map((item) => String(item.skuId)))];
    const gifts = await packageCards.giftSkusAmong(skuIds);
    return order.items.filter((item) => gifts.has(String(item.skuId)));
  }
  return {
    kind: 'gift',
    // Whether a SKU is a gift is the batches' to say (read on take), so every order is asked.
    appliesTo: () => true,
    async take(order) {
      const lines = await giftLines(order);
      if (lines.length === 0) return;
      if (
        lines.some((line) => line.qty !== 1) ||
        new Set(lines.map((line) => String(line.skuId))).size !== lines.length
      ) {
        throw new AppError('conflict', 'gift_quantity', '回购礼每人限购 1 件');
      }
      const taken: string[] = [];
      try {
        for (const line of lines) {
          await packageCards.takeGift(order.member.toString(), String(line.skuId), order._id.toString());
          taken.push(String(line.skuId));
        }
      } catch (error) {
        for (const skuId of taken) {
          await packageCards.giveBackGift(order.member.toString(), skuId, order._id.toString());
        }
        throw error;
      }
    },
    async giveBack(order, reason) {
      if (reason === 'refunded') return;
      for (const line of await giftLines(order)) {
        await packageCards.giveBackGift(order.member.toString(), String(line.skuId), order._id.toString());
      }
    },
  };
}
