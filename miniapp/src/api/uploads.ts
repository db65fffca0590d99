/** Image uploads (review screenshots, avatars) and where an uploaded image is loaded from. */
import { UploadResponseSchema } from '@siyu/shared';
import Taro from '@tarojs/taro';
import { API_BASE } from './base';
import { ApiError, NETWORK_MESSAGE } from './client';
import { fetchMe } from './identity';
import { readTokens } from './session';

export const UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
const UPLOAD_FAILED = '图片上传失败，请重试';

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch {
    return data; // Left as text: reported as an unreadable answer.
  }
}

/**
 * H5: posts the File itself. Taro.uploadFile on H5 first re-reads the chosen image from its blob: URL with XHR,
 * which the storefront's Content-Security-Policy (connect-src 'self') refuses, so the upload would never start.
 */
async function sendUploadH5(file: Blob): Promise<{ statusCode: number; data: unknown }> {
  const token = readTokens()?.accessToken;
  const form = new FormData();
  form.append('file', file, (file as File).name || 'screenshot.png');
  let response: Response;
  try {
    response = await fetch(`${API_BASE}/uploads`, {
      method: 'POST',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      body: form,
    });
  } catch {
    throw new ApiError('network', NETWORK_MESSAGE, 0);
  }
  return { statusCode: response.status, data: parseBody(await response.text()) };
}

async function sendUpload(filePath: string, file?: Blob): Promise<{ statusCode: number; data: unknown }> {
  if (process.env.TARO_ENV === 'h5' && file && typeof fetch === 'function') return sendUploadH5(file);
  const token = readTokens()?.accessToken;
  let response: Taro.uploadFile.SuccessCallbackResult;
  try {
    response = await Taro.uploadFile({
      url: `${API_BASE}/uploads`,
      filePath,
      name: 'file',
      header: token ? { Authorization: `Bearer ${token}` } : {},
    });
  } catch {
    throw new ApiError('network', NETWORK_MESSAGE, 0);
  }
  return { statusCode: response.statusCode, data: parseBody(response.data) };
}

function uploadError(response: { statusCode: number; data: unknown }): ApiError {
  const body = response.data as { error?: { code?: string; message?: string } } | null;
  const message = body?.error?.message || UPLOAD_FAILED;
  return new ApiError(body?.error?.code ?? 'upload_failed', message, response.statusCode);
}

/**
 * Uploads an image the shopper chose (a temp file path; on H5 also the File itself) with Taro.uploadFile, which
 * Taro.request cannot do, and answers its URL. An expired token is renewed through the client (one authenticated call) and the upload tried
 * once more. Failures are toasted and rejected like any API call.
 */
export async function uploadImage(filePath: string, file?: Blob): Promise<string> {
  try {
    let response = await sendUpload(filePath, file);
    if (response.statusCode === 401) {
      await fetchMe({ silent: true });
      response = await sendUpload(filePath, file);
    }
    if (response.statusCode < 200 || response.statusCode >= 300) throw uploadError(response);
    const parsed = UploadResponseSchema.safeParse(response.data);
    if (!parsed.success) throw new ApiError('bad_response', UPLOAD_FAILED, response.statusCode);
    return parsed.data.url;
  } catch (caught) {
    const error = caught instanceof ApiError ? caught : new ApiError('upload_failed', UPLOAD_FAILED, 0);
    void Taro.showToast({ title: error.message, icon: 'none', duration: 2500 });
    throw error;
  }
}

/**
 * Where an image the API named can be loaded from. Uploads come back as `/api/uploads/…` unless the server knows
 * its public URL: same-origin on H5, but a mini-program has no origin, so it needs the API's own host.
 */
export function imageSrc(url: string): string {
  if (process.env.TARO_ENV === 'h5' || !url.startsWith('/') || url.startsWith('//')) return url;
  const origin = /^(https?:\/\/[^/]+)/.exec(API_BASE)?.[1];
  return origin ? `${origin}${url}` : url;
}
