/**
 * The invite poster, drawn on a canvas: the member's avatar and name, a product with its price, and the
 * member's mini-program code. Sizes are in canvas pixels of a 600×900 poster.
 */
import type Taro from '@tarojs/taro';

export const POSTER_WIDTH = 600;
export const POSTER_HEIGHT = 900;

export interface PosterContent {
  brand: string;
  nickname: string;
  /** A drawable image path (a local file on weapp, a URL on H5), or null for the initial. */
  avatar: string | null;
  product: { title: string; priceText: string; image: string | null } | null;
  /** The mini-program code image, drawable. */
  code: string | null;
}

type Context = Taro.CanvasContext;

function roundRect(ctx: Context, x: number, y: number, w: number, h: number, r: number) {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

function clipText(ctx: Context, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > maxWidth) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/** Draws the whole poster; `done` runs when the canvas has painted it. */
export function drawPoster(ctx: Context, content: PosterContent, done: () => void): void {
  ctx.setFillStyle('#1f3a2e');
  ctx.fillRect(0, 0, POSTER_WIDTH, POSTER_HEIGHT);
  ctx.setFillStyle('#f6f1e7');
  roundRect(ctx, 32, 32, POSTER_WIDTH - 64, POSTER_HEIGHT - 64, 24);
  ctx.fill();

  // Avatar (or the first character of the name) and the invitation line.
  ctx.save();
  ctx.beginPath();
  ctx.arc(100, 110, 40, 0, Math.PI * 2);
  ctx.closePath();
  ctx.clip();
  if (content.avatar) {
    ctx.drawImage(content.avatar, 60, 70, 80, 80);
  } else {
    ctx.setFillStyle('#c9a46a');
    ctx.fillRect(60, 70, 80, 80);
    ctx.setFillStyle('#ffffff');
    ctx.setFontSize(36);
    ctx.setTextAlign('center');
    ctx.fillText(content.nickname.slice(0, 1) || '茶', 100, 124);
  }
  ctx.restore();
  ctx.setTextAlign('left');
  ctx.setFillStyle('#1f2a24');
  ctx.setFontSize(28);
  ctx.fillText(clipText(ctx, content.nickname, 360), 160, 102);
  ctx.setFillStyle('#6b7169');
  ctx.setFontSize(22);
  ctx.fillText(`邀请你加入${content.brand}会员`, 160, 138);

  // The product.
  const product = content.product;
  ctx.setFillStyle('#ffffff');
  roundRect(ctx, 60, 180, POSTER_WIDTH - 120, 420, 16);
  ctx.fill();
  if (product?.image) {
    ctx.drawImage(product.image, 80, 200, POSTER_WIDTH - 160, 300);
  } else {
    ctx.setFillStyle('#e8efe9');
    ctx.fillRect(80, 200, POSTER_WIDTH - 160, 300);
    ctx.setFillStyle('#1f3a2e');
    ctx.setFontSize(64);
    ctx.setTextAlign('center');
    ctx.fillText('茶', POSTER_WIDTH / 2, 372);
    ctx.setTextAlign('left');
  }
  ctx.setFillStyle('#1f2a24');
  ctx.setFontSize(26);
  ctx.fillText(clipText(ctx, product?.title ?? `${content.brand}会员好物`, POSTER_WIDTH - 160), 80, 545);
  if (product) {
    ctx.setFillStyle('#b5452f');
    ctx.setFontSize(30);
    ctx.fillText(product.priceText, 80, 585);
  }

  // The mini-program code and how to use it.
  if (content.code) ctx.drawImage(content.code, 60, 640, 180, 180);
  ctx.setFillStyle('#1f2a24');
  ctx.setFontSize(26);
  ctx.fillText('长按识别小程序码', 270, 715);
  ctx.setFillStyle('#6b7169');
  ctx.setFontSize(22);
  ctx.fillText('注册即成为会员，好礼等你领', 270, 755);
  ctx.draw(false, done);
}
