/**
 * The coupons module: templates (templates.service.ts), the member's wallet and the moves an order makes
 * (wallet.service.ts), redeem codes (redeem.service.ts) and the coupon step of pricing (checkout.ts).
 * Orders reach it only through its hold (coupon-hold.ts) and subscriber (on-order.ts), registered in app.ts.
 */
import type { MemberDoc } from '../identity/member.model';
import type { OrderHold, OrderSubscriber } from '../orders/order-extensions';
import { createCheckout } from './checkout';
import { couponHold } from './coupon-hold';
import { couponsSubscriber } from './on-order';
import { createRedeem, type RedeemLimits } from './redeem.service';
import { createTemplates } from './templates.service';
import { createWallet } from './wallet.service';

export interface CouponsServiceOptions {
  clock?: () => Date;
  /** A fully refunded order gives its coupon back; default false (the coupon stays used). */
  returnCouponOnRefund?: boolean;
  redeemLimits?: Partial<RedeemLimits>;
  /** Whether a member has an earlier paid order (orders' query), for new-member offers. */
  paidOrders?: () => { hasPaidOrder(memberId: string, exceptOrderId?: string): Promise<boolean> } | undefined;
}

export function createCouponsService(options: CouponsServiceOptions = {}) {
  const clock = options.clock ?? (() => new Date());
  const wallet = createWallet({
    clock,
    returnCouponOnRefund: options.returnCouponOnRefund ?? false,
    ...(options.paidOrders ? { paidOrders: options.paidOrders } : {}),
  });
  const templates = createTemplates(wallet, clock);
  const redeem = createRedeem(wallet, {
    perMemberPerWindow: 10,
    perIpPerWindow: 60,
    windowSeconds: 600,
    ...options.redeemLimits,
  });
  const checkout = createCheckout(wallet, clock);
  const hold: OrderHold = couponHold(wallet);
  const subscriber: OrderSubscriber = couponsSubscriber(wallet);

  return {
    // Contract for other modules (common.md §12).
    issue: wallet.issue,
    moveMember: wallet.moveMember,
    /** identity's onMemberCreated hook: the welcome pack. */
    onMemberCreated: async (member: Pick<MemberDoc, '_id'>) => {
      await wallet.issueWelcomePack(member._id.toString());
    },

    // Store
    center: templates.center,
    claim: wallet.claim,
    wallet: wallet.wallet,
    getCoupon: wallet.getCoupon,
    welcome: wallet.welcome,
    markWelcomeSeen: wallet.markWelcomeSeen,
    redeem: redeem.redeem,

    // Orders
    priceCheckout: checkout.price,
    hold,
    subscriber,
    hasPaidBefore: wallet.hasPaidBefore,
    /** Analytics: first-order conversion within the window after registration. */
    firstOrderConversion: wallet.firstOrderConversion,

    // Admin
    createTemplate: templates.create,
    getTemplate: templates.get,
    listTemplates: templates.list,
    updateTemplate: templates.update,
    setNewMemberSku: templates.setNewMemberSku,
    createRedeemBatch: redeem.createBatch,
    listRedeemBatches: redeem.listBatches,
    exportRedeemCsv: redeem.exportCsv,
    async push(templateId: string, memberIds: string[], key: string) {
      let issued = 0;
      const failed: { memberId: string; code: string; message: string }[] = [];
      for (const memberId of memberIds) {
        try {
          await wallet.issue(memberId, templateId, { channel: 'push', key });
          issued += 1;
        } catch (error) {
          const { code, message } = error as { code?: string; message: string };
          if (code === 'coupon_template_not_found') throw error;
          failed.push({ memberId, code: code ?? 'internal', message });
        }
      }
      return { issued, failed };
    },

    // Jobs
    expireDue: wallet.expireDue,
  };
}

export type CouponsService = ReturnType<typeof createCouponsService>;
