// The operator dashboard: read-only, over the same admin API (bearer token kept in sessionStorage).
const $ = (selector) => document.querySelector(selector);
const TOKEN_KEY = 'siyu-admin-token';
const SHANGHAI = 'Asia/Shanghai';

const yuan = (fen) => `¥${(fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const count = (value) => Number(value).toLocaleString('zh-CN');
const shanghaiDay = (date) => new Intl.DateTimeFormat('en-CA', { timeZone: SHANGHAI }).format(date);
const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function api(path) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token()}` } });
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    show('login');
    throw new Error('登录已过期，请重新登录');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body?.error?.message ?? `请求失败（${response.status}）`);
  return body;
}

function show(which) {
  $('#login').hidden = which !== 'login';
  $('#board').hidden = which !== 'board';
  $('#range').hidden = which !== 'board';
}

function setPreset(days) {
  const to = new Date();
  const from = new Date(to.getTime() - (days - 1) * 86_400_000);
  $('#range').from.value = shanghaiDay(from);
  $('#range').to.value = shanghaiDay(to);
}

function table(element, columns, rows) {
  const head = `<tr>${columns.map((column) => `<th>${escapeHtml(column.label)}</th>`).join('')}</tr>`;
  const body = rows.length
    ? rows
        .map((row) => `<tr>${columns.map((column) => `<td>${escapeHtml(column.value(row))}</td>`).join('')}</tr>`)
        .join('')
    : `<tr><td class="empty" colspan="${columns.length}">这段时间还没有数据</td></tr>`;
  element.innerHTML = `<thead>${head}</thead><tbody>${body}</tbody>`;
}

function tiles(overview) {
  const items = [
    [
      'GMV（实付 − 退款）',
      yuan(overview.gmv),
      `实付 ${yuan(overview.paidAmount)} · 退款 ${yuan(overview.refundedAmount)}`,
    ],
    ['订单', count(overview.orders), `客单价 ${yuan(overview.averageOrderValue)}`],
    ['付款会员', count(overview.payingMembers), ''],
    [
      '复购率',
      overview.repurchaseRate.text,
      `${overview.repurchaseRate.numerator} / ${overview.repurchaseRate.denominator} 人`,
    ],
    ['新会员', count(overview.newMembers), ''],
    [
      '3 日内首单率',
      overview.firstOrderWithin3Days.text,
      `${overview.firstOrderWithin3Days.numerator} / ${overview.firstOrderWithin3Days.denominator} 人`,
    ],
    [
      '积分 发放 / 使用 / 过期',
      `${count(overview.pointsIssued)}`,
      `使用 ${count(overview.pointsSpent)} · 过期 ${count(overview.pointsExpired)}`,
    ],
    ['券成本', yuan(overview.couponCost), ''],
  ];
  $('#tiles').innerHTML = items
    .map(
      ([label, value, sub]) =>
        `<div class="tile"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="sub">${escapeHtml(sub)}</div></div>`,
    )
    .join('');
}

function chart(days) {
  const svg = $('#chart');
  const width = 960;
  const height = 260;
  const pad = { left: 70, right: 50, top: 16, bottom: 28 };
  const maxGmv = Math.max(1, ...days.map((day) => day.gmv));
  const maxOrders = Math.max(1, ...days.map((day) => day.orders));
  const x = (index) => pad.left + (days.length <= 1 ? 0 : (index * (width - pad.left - pad.right)) / (days.length - 1));
  const y = (value, max) => height - pad.bottom - (Math.max(0, value) / max) * (height - pad.top - pad.bottom);
  const line = (pick, max) =>
    days.map((day, index) => `${index ? 'L' : 'M'}${x(index).toFixed(1)},${y(pick(day), max).toFixed(1)}`).join('');
  const step = Math.max(1, Math.ceil(days.length / 8));
  const labels = days
    .map((day, index) =>
      index % step === 0
        ? `<text x="${x(index)}" y="${height - 8}" text-anchor="middle">${day.day.slice(5)}</text>`
        : '',
    )
    .join('');
  svg.innerHTML = `
    <line class="axis" x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" />
    <text x="${pad.left - 8}" y="${pad.top + 4}" text-anchor="end">${yuan(maxGmv)}</text>
    <text x="${width - pad.right + 8}" y="${pad.top + 4}">${maxOrders} 单</text>
    <path class="gmv" d="${line((day) => day.gmv, maxGmv)}" />
    <path class="orders" d="${line((day) => day.orders, maxOrders)}" />
    ${labels}
    <text x="${pad.left}" y="${pad.top - 2}">— GMV　- - 订单</text>`;
}

async function load() {
  const form = $('#range');
  const query = `from=${form.from.value}&to=${form.to.value}`;
  $('#status').textContent = '加载中…';
  try {
    const [overview, daily, channels, cohorts, lives, groupBuys, invitations, tiers] = await Promise.all(
      ['overview', 'daily', 'channels', 'cohorts', 'lives', 'group-buys', 'invitations', 'tiers'].map((name) =>
        api(`/api/admin/analytics/${name}?${query}`),
      ),
    );
    tiles(overview);
    chart(daily.days);
    table(
      $('#channels'),
      [
        { label: '批次 / 渠道', value: (row) => (row.kind === 'batch' ? `包裹卡 · ${row.name}` : row.name) },
        { label: '印刷', value: (row) => (row.printed === null ? '—' : count(row.printed)) },
        { label: '兑换', value: (row) => (row.redeemed === null ? '—' : count(row.redeemed)) },
        { label: '引流率', value: (row) => row.redemptionRate?.text ?? '—' },
        { label: '会员', value: (row) => count(row.members) },
        { label: '3 日内首单', value: (row) => count(row.firstOrdersWithin3Days) },
        { label: '复购率', value: (row) => row.repurchaseRate.text },
        { label: 'GMV', value: (row) => yuan(row.gmv) },
      ],
      channels.rows,
    );
    table(
      $('#cohorts'),
      [
        { label: '注册周', value: (row) => row.week },
        { label: '注册', value: (row) => count(row.registered) },
        { label: '首单', value: (row) => `${count(row.firstOrder)}（${row.firstOrderRate.text}）` },
        { label: '复购', value: (row) => `${count(row.secondOrder)}（${row.secondOrderRate.text}）` },
      ],
      cohorts.rows,
    );
    table(
      $('#lives'),
      [
        { label: '直播', value: (row) => row.title },
        { label: '预约', value: (row) => count(row.reservations) },
        { label: '提醒', value: (row) => count(row.remindersSent) },
        { label: '点击', value: (row) => count(row.clickThroughs) },
        { label: '订单', value: (row) => count(row.orders) },
        { label: 'GMV', value: (row) => yuan(row.gmv) },
      ],
      lives.rows,
    );
    table(
      $('#growth'),
      [
        { label: '指标', value: (row) => row[0] },
        { label: '数值', value: (row) => row[1] },
      ],
      [
        ['开团', count(groupBuys.opened)],
        ['成团 / 失败', `${count(groupBuys.succeeded)} / ${count(groupBuys.failed)}`],
        ['成团率', groupBuys.successRate.text],
        ['拉新团带来新会员', count(groupBuys.newMembersBrought)],
        ['邀请人', count(invitations.inviters)],
        ['邀请注册', count(invitations.registrations)],
        ['被邀请人首单', count(invitations.firstOrders)],
        ['K 因子', invitations.kFactor],
      ],
    );
    table(
      $('#tiers'),
      [
        {
          label: '等级',
          value: (row) => ({ regular: '普通会员', silver: '银卡', gold: '金卡', black: '黑金' })[row.tier] ?? row.tier,
        },
        { label: '会员数', value: (row) => count(row.members) },
        { label: 'GMV', value: (row) => yuan(row.gmv) },
        { label: 'GMV 占比', value: (row) => row.gmvShare.text },
      ],
      tiers.rows,
    );
    $('#status').textContent = `${form.from.value} 至 ${form.to.value}（上海时间）`;
  } catch (error) {
    $('#status').textContent = error.message;
  }
}

async function downloadCsv(event) {
  const link = event.target.closest('[data-csv]');
  if (!link) return;
  event.preventDefault();
  const form = $('#range');
  const name = link.dataset.csv;
  const response = await fetch(`/api/admin/analytics/${name}?from=${form.from.value}&to=${form.to.value}&format=csv`, {
    headers: { authorization: `Bearer ${token()}` },
  });
  if (!response.ok) {
    $('#status').textContent = `下载失败（${response.status}）`;
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const anchor = Object.assign(document.createElement('a'), {
    href: url,
    download: `${name}-${form.from.value}-${form.to.value}.csv`,
  });
  anchor.click();
  URL.revokeObjectURL(url);
}

$('#login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  $('#login-error').textContent = '';
  const response = await fetch('/api/admin/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: form.username.value, password: form.password.value }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    $('#login-error').textContent = body?.error?.message ?? '登录失败';
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, body.accessToken);
  show('board');
  await load();
});

$('#range').addEventListener('submit', (event) => {
  event.preventDefault();
  load();
});
for (const button of document.querySelectorAll('[data-days]')) {
  button.addEventListener('click', () => {
    setPreset(Number(button.dataset.days));
    load();
  });
}
$('#logout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  show('login');
});
document.addEventListener('click', downloadCsv);

setPreset(30);
if (token()) {
  show('board');
  load();
} else {
  show('login');
}
