/**
 * A loopback stand-in for api.weixin.qq.com implementing the documented contracts the product uses:
 * code2Session (`/sns/jscode2session`), the app access token (`/cgi-bin/token`) and the phone number
 * (`/wxa/business/getuserphonenumber`) and subscribe messages (`/cgi-bin/message/subscribe/send`),
 * including their error codes. Codes are single-use, as in WeChat.
 *
 * Subscribe messages, as documented: POST JSON `{ touser, template_id, page?, data, miniprogram_state? }`
 * with `?access_token=`; answers `{ errcode: 0, errmsg: 'ok', msgid }`, 40001 for a bad token, 40003
 * for an empty touser, 40037 for an empty template_id, 47003 when a field is missing its `value` or
 * breaks its kind's limit (`thing` ≤ 20 characters, `character_string`/`number`/`letter` ≤ 32,
 * `phrase` ≤ 5, `name` ≤ 10), and whatever `answerSubscribe` was told (43101: the user's one-time
 * permission is used up). Every accepted send is recorded in `subscribeSends`.
 *
 * Mini-program codes (`POST /wxa/getwxacodeunlimit?access_token=`, JSON `{ scene, page, check_path,
 * env_version, width }`): answers image bytes (`image/png`), or JSON 40001 for a bad token, 40169 for a
 * scene longer than 32 characters or outside `[0-9A-Za-z!#$&'()*+,/:;=?@-._~]`, 41030 for a page with a
 * query or a leading slash, or one outside `publishedPages` when `check_path` is on. Each one made is
 * recorded in `wxaCodes`.
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
  /** Mini-program codes made by `getwxacodeunlimit`, in order. */
  wxaCodes: { scene: string; page: string }[];
  /** Pages `check_path` accepts (empty: every page). */
  publishedPages: Set<string>;
  /** Subscribe messages WeChat accepted (errcode 0), in order. */
  subscribeSends: FakeSubscribeSend[];
  /** Every subscribe send attempt with the errcode it got. */
  subscribeAttempts: (FakeSubscribeSend & { errcode: number })[];
  /** From now on answer `errcode` to subscribe sends to `openid` ('*' = everyone); 0 clears it. */
  answerSubscribe(openid: string, errcode: number): void;
  close(): Promise<void>;
}

export interface FakeSubscribeSend {
  touser: string;
  template_id: string;
  page?: string;
  data: Record<string, { value: string }>;
  miniprogram_state?: string;
}

const FIELD_LIMITS: Record<string, number> = {
  thing: 20,
  character_string: 32,
  number: 32,
  letter: 32,
  symbol: 5,
  phrase: 5,
  name: 10,
  amount: 32,
  car_number: 8,
  phone_number: 17,
};

function subscribeErrcode(message: FakeSubscribeSend, told: Map<string, number>): number {
  if (!message.touser) return 40003;
  if (!message.template_id) return 40037;
  if (!message.data || typeof message.data !== 'object') return 47003;
  for (const [key, field] of Object.entries(message.data)) {
    if (!field || typeof field.value !== 'string' || field.value === '') return 47003;
    const kind = key.replace(/\d+$/, '');
    const limit = FIELD_LIMITS[kind];
    if (limit !== undefined && [...field.value].length > limit) return 47003;
  }
  return told.get(message.touser) ?? told.get('*') ?? 0;
}

export async function startFakeWechat(): Promise<FakeWechat> {
  const appid = 'wx0123456789abcdef';
  const secret = 'fake-app-secret';
  const loginCodes = new Map<string, { openid: string; unionid?: string }>();
  const phoneCodes = new Map<string, string>();
  const tokens = new Set<string>();
  const calls: FakeWechat['calls'] = [];
  const wxaCodes: FakeWechat['wxaCodes'] = [];
  const publishedPages = new Set<string>();
  const subscribeSends: FakeWechat['subscribeSends'] = [];
  const subscribeAttempts: FakeWechat['subscribeAttempts'] = [];
  const subscribeAnswers = new Map<string, number>();
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
    if (url.pathname === '/cgi-bin/message/subscribe/send' && req.method === 'POST') {
      if (!tokens.has(query.access_token ?? '')) return reply({ errcode: 40001, errmsg: 'invalid credential' });
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const message = JSON.parse(Buffer.concat(chunks).toString() || '{}') as FakeSubscribeSend;
      const errcode = subscribeErrcode(message, subscribeAnswers);
      subscribeAttempts.push({ ...message, errcode });
      if (errcode !== 0) {
        const errmsg = errcode === 43101 ? 'user refuse to accept the msg' : 'argument invalid';
        return reply({ errcode, errmsg });
      }
      subscribeSends.push(message);
      return reply({ errcode: 0, errmsg: 'ok', msgid: 1_000_000 + subscribeSends.length });
    }
    if (url.pathname === '/wxa/getwxacodeunlimit' && req.method === 'POST') {
      if (!tokens.has(query.access_token ?? '')) return reply({ errcode: 40001, errmsg: 'invalid credential' });
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const input = JSON.parse(Buffer.concat(chunks).toString() || '{}') as {
        scene?: string;
        page?: string;
        check_path?: boolean;
      };
      const scene = input.scene ?? '';
      if (!scene || scene.length > 32 || !/^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]+$/.test(scene)) {
        return reply({ errcode: 40169, errmsg: 'invalid length for scene, or the data is not json string' });
      }
      const page = input.page ?? '';
      if (
        page.includes('?') ||
        page.startsWith('/') ||
        (input.check_path !== false && publishedPages.size > 0 && !publishedPages.has(page))
      ) {
        return reply({ errcode: 41030, errmsg: 'invalid page hint' });
      }
      wxaCodes.push({ scene, page });
      res.writeHead(200, { 'content-type': 'image/png' });
      // The PNG signature and a tag naming the scene: enough for a client to tell the image apart.
      res.end(
        Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from(`wxacode:${scene}`)]),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    appid,
    secret,
    calls,
    wxaCodes,
    publishedPages,
    subscribeSends,
    subscribeAttempts,
    answerSubscribe(openid, errcode) {
      if (errcode === 0) subscribeAnswers.delete(openid);
      else subscribeAnswers.set(openid, errcode);
    },
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
