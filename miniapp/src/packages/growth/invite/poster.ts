/**
 * The invite poster, drawn on a canvas: the member's avatar and name, a product with its price, and the
 * member's mini-program code, on a 600×900 poster.
 *
 * Two painters behind one small interface, because the platforms differ: on weapp the canvas context
 * records commands and paints them on `draw()`; Taro's H5 stand-in for that context applies some
 * settings (font size, alignment, save/restore) at once and others only on `draw()`, which scrambles
 * a poster, and aborts the whole drawing when one image fails to load. On H5 we therefore paint the
 * real 2D context directly, with images loaded (or given up) before painting starts.
 */
import Taro from '@tarojs/taro';

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

interface Painter {
  fill(color: string): void;
  font(size: number): void;
  align(align: 'left' | 'center'): void;
  rect(x: number, y: number, w: number, h: number): void;
  roundRect(x: number, y: number, w: number, h: number, r: number): void;
  circle(x: number, y: number, r: number): void;
  text(text: string, x: number, y: number, maxWidth: number, size: number): void;
  /** Draws an image when it could be loaded; answers whether it was. */
  image(src: string | null, x: number, y: number, w: number, h: number): boolean;
}

/** Fits text to a width by its character count (CJK glyphs are about one font size wide). */
function fit(text: string, maxWidth: number, size: number): string {
  const max = Math.max(1, Math.floor(maxWidth / size));
  let width = 0;
  let out = '';
  for (const char of text) {
    width += /[\x20-\x7e]/.test(char) ? 0.55 : 1;
    if (width > max) return `${out}…`;
    out += char;
  }
  return out;
}

function paint(p: Painter, content: PosterContent): void {
  p.fill('#1f3a2e');
  p.rect(0, 0, POSTER_WIDTH, POSTER_HEIGHT);
  p.fill('#f6f1e7');
  p.roundRect(32, 32, POSTER_WIDTH - 64, POSTER_HEIGHT - 64, 24);

  // Avatar (or the first character of the name) and the invitation line.
  p.fill('#c9a46a');
  p.circle(100, 110, 44);
  if (!p.image(content.avatar, 62, 72, 76, 76)) {
    p.fill('#ffffff');
    p.font(36);
    p.align('center');
    p.text(content.nickname.slice(0, 1) || '茶', 100, 124, 80, 36);
    p.align('left');
  }
  p.fill('#1f2a24');
  p.font(28);
  p.text(content.nickname, 164, 102, 360, 28);
  p.fill('#6b7169');
  p.font(22);
  p.text(`邀请你加入${content.brand}会员`, 164, 138, 360, 22);

  // The product.
  const product = content.product;
  p.fill('#ffffff');
  p.roundRect(60, 180, POSTER_WIDTH - 120, 420, 16);
  if (!p.image(product?.image ?? null, 80, 200, POSTER_WIDTH - 160, 300)) {
    p.fill('#e8efe9');
    p.rect(80, 200, POSTER_WIDTH - 160, 300);
    p.fill('#1f3a2e');
    p.font(64);
    p.align('center');
    p.text('茶', POSTER_WIDTH / 2, 372, 100, 64);
    p.align('left');
  }
  p.fill('#1f2a24');
  p.font(26);
  p.text(product?.title ?? `${content.brand}会员好物`, 80, 545, POSTER_WIDTH - 160, 26);
  if (product) {
    p.fill('#b5452f');
    p.font(30);
    p.text(product.priceText, 80, 585, POSTER_WIDTH - 160, 30);
  }

  // The mini-program code and how to use it.
  if (!p.image(content.code, 60, 640, 180, 180)) {
    p.fill('#e8efe9');
    p.rect(60, 640, 180, 180);
  }
  p.fill('#1f2a24');
  p.font(26);
  p.text('长按识别小程序码', 270, 715, 280, 26);
  p.fill('#6b7169');
  p.font(22);
  p.text('注册即成为会员，好礼等你领', 270, 755, 300, 22);
}

function loadImage(src: string | null): Promise<HTMLImageElement | null> {
  if (!src) return Promise.resolve(null);
  return new Promise((resolve) => {
    const image = new Image();
    if (/^https?:/.test(src) && !src.startsWith(window.location.origin)) image.crossOrigin = 'anonymous';
    image.onload = () => resolve(image);
    image.onerror = () => resolve(null);
    image.src = src;
  });
}

/** The path calls both canvases share (H5's 2D context and Taro's weapp context), as filled shapes. */
interface PathContext {
  beginPath(): void;
  moveTo(x: number, y: number): void;
  arcTo(x1: number, y1: number, x2: number, y2: number, radius: number): void;
  arc(x: number, y: number, radius: number, start: number, end: number): void;
  closePath(): void;
  fill(): void;
}

function pathShapes(ctx: PathContext) {
  return {
    roundRect(x: number, y: number, w: number, h: number, r: number) {
      ctx.beginPath();
      ctx.moveTo(x + r, y);
      ctx.arcTo(x + w, y, x + w, y + h, r);
      ctx.arcTo(x + w, y + h, x, y + h, r);
      ctx.arcTo(x, y + h, x, y, r);
      ctx.arcTo(x, y, x + w, y, r);
      ctx.closePath();
      ctx.fill();
    },
    circle(x: number, y: number, r: number) {
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fill();
    },
  };
}

/** H5: paints a canvas of its own (Taro's canvas element resets its bitmap on every render) into a PNG. */
async function paintH5(content: PosterContent): Promise<string> {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  canvas.width = POSTER_WIDTH;
  canvas.height = POSTER_HEIGHT;
  const sources = [content.avatar, content.product?.image ?? null, content.code];
  const images = new Map<string, HTMLImageElement>();
  await Promise.all(
    sources.map(async (src) => {
      const image = await loadImage(src);
      if (src && image) images.set(src, image);
    }),
  );
  ctx.textBaseline = 'alphabetic';
  paint(
    {
      fill: (color) => {
        ctx.fillStyle = color;
      },
      font: (size) => {
        ctx.font = `${size}px "PingFang SC", "Noto Sans CJK SC", sans-serif`;
      },
      align: (align) => {
        ctx.textAlign = align;
      },
      rect: (x, y, w, h) => ctx.fillRect(x, y, w, h),
      ...pathShapes(ctx),
      text: (text, x, y, maxWidth, size) => ctx.fillText(fit(text, maxWidth, size), x, y),
      image: (src, x, y, w, h) => {
        const image = src ? images.get(src) : undefined;
        if (!image) return false;
        ctx.drawImage(image, x, y, w, h);
        return true;
      },
    },
    content,
  );
  return canvas.toDataURL('image/png');
}

/** weapp: the canvas context records and paints on draw(); images are local files already. */
function paintWeapp(canvasId: string, content: PosterContent, scale: number): Promise<void> {
  const ctx = Taro.createCanvasContext(canvasId);
  ctx.scale(scale, scale);
  let size = 22;
  paint(
    {
      fill: (color) => ctx.setFillStyle(color),
      font: (next) => {
        size = next;
        ctx.setFontSize(next);
      },
      align: (align) => ctx.setTextAlign(align),
      rect: (x, y, w, h) => ctx.fillRect(x, y, w, h),
      ...pathShapes(ctx),
      text: (text, x, y, maxWidth) => ctx.fillText(fit(text, maxWidth, size), x, y),
      image: (src, x, y, w, h) => {
        if (!src) return false;
        ctx.drawImage(src, x, y, w, h);
        return true;
      },
    },
    content,
  );
  return new Promise((resolve) => ctx.draw(false, () => resolve()));
}

/**
 * Paints the poster and answers an image of it: on weapp into the canvas `canvasId` (shown `cssWidth`
 * pixels wide) and exported to a temp file; on H5 as a PNG data URL.
 */
export async function drawPoster(canvasId: string, content: PosterContent, cssWidth: number): Promise<string> {
  if (process.env.TARO_ENV === 'h5') return paintH5(content);
  await paintWeapp(canvasId, content, cssWidth / POSTER_WIDTH);
  const cssHeight = (cssWidth / POSTER_WIDTH) * POSTER_HEIGHT;
  const result = await Taro.canvasToTempFilePath({
    canvasId,
    width: cssWidth,
    height: cssHeight,
    destWidth: POSTER_WIDTH,
    destHeight: POSTER_HEIGHT,
  });
  return result.tempFilePath;
}
