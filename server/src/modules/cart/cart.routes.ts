import { ObjectIdSchema, SetCartQtyRequestSchema, StoreCartSchema } from '@siyu/shared';
import { z } from 'zod';
import { defineRoute } from '../../http/route';
import type { CartService } from './cart.service';

const SkuParamsSchema = z.object({ skuId: ObjectIdSchema }).strict();

export function cartRoutes(cart: CartService) {
  return [
    defineRoute({
      method: 'get',
      path: '/cart',
      summary: '购物车：按会员当前等级重新计价，逐行标注可否下单（unavailable / locked / short）',
      tags: ['cart'],
      auth: 'member',
      response: StoreCartSchema,
      handler: async ({ caller }) => cart.view(caller.member!),
    }),
    defineRoute({
      method: 'put',
      path: '/cart/items/:skuId',
      summary: '设置购物车中某规格的数量（0 为移除；1–99）',
      tags: ['cart'],
      auth: 'member',
      params: SkuParamsSchema,
      body: SetCartQtyRequestSchema,
      response: StoreCartSchema,
      errors: {
        403: '会员等级不足（tier_required）',
        404: '规格不存在或不可见',
        409: '库存不足、超出限购或购物车已满',
      },
      handler: async ({ params, body, caller }) => cart.setQty(caller.member!, params.skuId, body.qty),
    }),
    defineRoute({
      method: 'delete',
      path: '/cart/items/:skuId',
      summary: '从购物车移除某规格',
      tags: ['cart'],
      auth: 'member',
      params: SkuParamsSchema,
      response: StoreCartSchema,
      handler: async ({ params, caller }) => cart.removeItem(caller.member!, params.skuId),
    }),
  ];
}
