import { AddressViewSchema, CreateAddressRequestSchema, UpdateAddressRequestSchema } from '@siyu/shared';
import { z } from 'zod';
import { IdParams } from '../../http/params';
import { defineRoute } from '../../http/route';
import type { AddressesService } from './addresses.service';

const IdParamsSchema = IdParams;

export function addressesRoutes(addresses: AddressesService) {
  return [
    defineRoute({
      method: 'get',
      path: '/addresses',
      summary: '我的收货地址（默认地址在前）',
      tags: ['addresses'],
      auth: 'member',
      response: z.array(AddressViewSchema),
      handler: async ({ caller }) => addresses.list(caller.member!.id),
    }),
    defineRoute({
      method: 'post',
      path: '/addresses',
      summary: '新增收货地址（最多 20 个；第一个地址自动成为默认）',
      tags: ['addresses'],
      auth: 'member',
      body: CreateAddressRequestSchema,
      response: AddressViewSchema,
      status: 201,
      errors: { 409: '地址已达上限' },
      handler: async ({ body, caller }) => addresses.create(caller.member!.id, body),
    }),
    defineRoute({
      method: 'get',
      path: '/addresses/:id',
      summary: '收货地址详情',
      tags: ['addresses'],
      auth: 'member',
      params: IdParamsSchema,
      response: AddressViewSchema,
      errors: { 404: '地址不存在' },
      handler: async ({ params, caller }) => addresses.get(caller.member!.id, params.id),
    }),
    defineRoute({
      method: 'patch',
      path: '/addresses/:id',
      summary: '修改收货地址；isDefault=true 设为默认',
      tags: ['addresses'],
      auth: 'member',
      params: IdParamsSchema,
      body: UpdateAddressRequestSchema,
      response: AddressViewSchema,
      errors: { 404: '地址不存在' },
      handler: async ({ params, body, caller }) => addresses.update(caller.member!.id, params.id, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/addresses/:id',
      summary: '删除收货地址（删除默认地址时，最近的一个成为默认）',
      tags: ['addresses'],
      auth: 'member',
      params: IdParamsSchema,
      status: 204,
      errors: { 404: '地址不存在' },
      handler: async ({ params, caller }) => {
        await addresses.remove(caller.member!.id, params.id);
        return undefined;
      },
    }),
  ];
}
