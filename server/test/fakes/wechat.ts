/**
 * A loopback stand-in for api.weixin.qq.com implementing the documented contracts the product uses:
 * code2Session (`/sns/jscode2session`), the app access token (`/cgi-bin/token`) and the phone number
 * (`/wxa/business/getuserphonenumber`), including their error codes. Codes are single-use, as in WeChat.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeWechat {
  baseUrl: string;
  appid: string;
  secret: string;
  /** Registers a one-time login code for a WeChat user. */
  issueLoginCode(user: { openid: string; unionid?: string }): string;
  issuePhoneCode(phone: string): string;
  calls: { path: string; query: Record<string, string> }[];
  close(): Promise<void>;
}

export async function startFakeWechat(): Promise<FakeWechat> {
  const appid = 'wx0123456789abcdef';
  const secret = 'fake-app-secret';
  const loginCodes = new Map<string, { openid: string; unionid?: string }>();
  const phoneCodes = new Map<string, string>();
  const tokens = new Set<string>();
  const calls: FakeWechat['calls'] = [];
  let next = 0;

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    calls.push({ path: url.pathname, query });
    const reply = (body: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/sns/jscode2session') {
      if (query.appid !== appid || query.secret !== secret)
        return reply({ errcode: 40125, errmsg: 'invalid appsecret' });
      if (query.grant_type !== 'authorization_code') return reply({ errcode: 40002, errmsg: 'invalid grant_type' });
      const user = loginCodes.get(query.js_code ?? '');
      if (!user) return reply({ errcode: 40029, errmsg: 'invalid code' });
      loginCodes.delete(query.js_code!);
      return reply({
        openid: user.openid,
        session_key: 'c2Vzc2lvbi1rZXk=',
        ...(user.unionid ? { unionid: user.unionid } : {}),
      });
    }
    if (url.pathname === '/cgi-bin/token') {
      if (query.appid !== appid || query.secret !== secret)
        return reply({ errcode: 40125, errmsg: 'invalid appsecret' });
      const token = `token-${++next}`;
      tokens.add(token);
      return reply({ access_token: token, expires_in: 7200 });
    }
    if (url.pathname === '/wxa/business/getuserphonenumber' && req.method === 'POST') {
      if (!tokens.has(query.access_token ?? '')) return reply({ errcode: 40001, errmsg: 'invalid credential' });
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const { code } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { code?: string };
      const phone = phoneCodes.get(code ?? '');
      if (!phone) return reply({ errcode: 40029, errmsg: 'invalid code' });
      phoneCodes.delete(code!);
      return reply({
        errcode: 0,
        errmsg: 'ok',
        phone_info: {
          phoneNumber: phone,
          purePhoneNumber: phone,
          countryCode: '86',
          watermark: { timestamp: Math.floor(Date.now() / 1000), appid },
        },
      });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    appid,
    secret,
    calls,
    issueLoginCode(user) {
      const code = `code-${++next}`;
      loginCodes.set(code, user);
      return code;
    },
    issuePhoneCode(phone) {
      const code = `phone-${++next}`;
      phoneCodes.set(code, phone);
      return code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
