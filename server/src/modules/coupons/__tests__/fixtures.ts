/** Coupon templates for tests, created over the admin API like an operator would. */
import type { TestMall } from '../../../../test/harness';

let operatorToken: string | undefined;

export async function operator(mall: TestMall): Promise<string> {
  operatorToken ??= await mall.loginAdmin('operator');
  return operatorToken;
}

export async function createTemplate(mall: TestMall, body: Record<string, unknown>) {
  const response = await mall.api('POST', '/api/admin/coupons', {
    token: await operator(mall),
    body: { name: '测试券', quantity: 100, perMemberLimit: 1, validDays: 7, claimable: true, ...body },
  });
  if (response.status !== 201) throw new Error(`template: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string; remaining: number; title: string };
}

export const tenOff = { kind: 'amount', amountOff: 1000 };
export const over99minus20 = { kind: 'threshold', threshold: 9900, amountOff: 2000 };
