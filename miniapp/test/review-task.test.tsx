import Taro from '@tarojs/taro';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ReviewTaskPage from '../src/packages/member/review-task/index';
import { type FakeRequest, respondWith, setPages } from './fake-taro';
import { error, ok, routes, signIn, submission } from './membership-fixtures';
import { resetMembershipTaro } from './membership-taro';

vi.mock('@tarojs/taro', () => import('./membership-taro'));

function sent(): FakeRequest[] {
  return vi.mocked(Taro.request).mock.calls.map(([options]) => options as FakeRequest);
}

function fillForm(container: HTMLElement, orderRef: string) {
  fireEvent.click(container.querySelector('.review-platform[data-platform="jd"]') as HTMLElement);
  const input = container.querySelector('input.review-order') as HTMLInputElement;
  fireEvent.input(input, { target: { value: orderRef } });
}

describe('晒单评价', () => {
  let submitted: FakeRequest[] = [];

  beforeEach(() => {
    resetMembershipTaro();
    setPages([{ route: 'packages/member/review-task/index' }]);
    signIn();
    submitted = [];
    respondWith(
      routes({
        'GET /api/me/review-submissions': () =>
          ok([
            ...submitted.map((request, index) =>
              submission({ id: `new${index}`, ...(request.data as object), status: 'pending' }),
            ),
            submission({ id: 's1', status: 'pending' }),
            submission({ id: 's2', status: 'approved', pointsAwarded: 30, orderRef: 'JD88990011', platform: 'jd' }),
            submission({ id: 's3', status: 'rejected', rejectReason: '截图看不清订单信息', platform: 'douyin' }),
          ])(),
        'POST /api/tasks/review-screenshot/submissions': (request) => {
          submitted.push(request);
          return { statusCode: 201, data: submission({ id: 'new', ...(request.data as object) }) };
        },
      }),
    );
  });

  it('asks for an honest review of any rating, never a good one', async () => {
    const { container } = render(<ReviewTaskPage />);
    await screen.findByText('审核中');
    const text = container.textContent ?? '';
    expect(text).toContain(
      '在天猫/京东/抖音/小红书等平台为购买的山茶集商品写下真实评价（好评差评均可），上传评价截图，审核通过后获得积分',
    );
    expect(text).toContain('好评差评均可');
    for (const forbidden of ['五星', '好评返现', '5星', '五分好评', '给好评']) expect(text).not.toContain(forbidden);
  });

  it('uploads the chosen screenshot with the bearer token, previews it, and submits platform, order and image URL', async () => {
    const { container } = render(<ReviewTaskPage />);
    await screen.findByText('审核中');
    fillForm(container, 'JD20261122');
    fireEvent.click(container.querySelector('.review-image') as HTMLElement);

    await waitFor(() => expect(Taro.uploadFile).toHaveBeenCalledTimes(1));
    expect(vi.mocked(Taro.uploadFile).mock.calls[0]?.[0]).toMatchObject({
      url: '/api/uploads',
      filePath: 'blob:review-1',
      name: 'file',
      header: { Authorization: 'Bearer access-1' },
    });
    await waitFor(() => expect(screen.getByText('点击更换')).toBeTruthy());
    expect(container.querySelector('.review-image__preview')).toBeTruthy();

    fireEvent.click(container.querySelector('.review-submit') as HTMLElement);
    await waitFor(() => expect(submitted).toHaveLength(1));
    expect(submitted[0]).toMatchObject({
      method: 'POST',
      url: '/api/tasks/review-screenshot/submissions',
      data: { platform: 'jd', orderRef: 'JD20261122', imageUrl: '/api/uploads/a1b2c3.png' },
    });
    await waitFor(() => expect(container.querySelectorAll('.review-submission')).toHaveLength(4));
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已提交，等待审核' }));
    // The form is ready for the next one.
    expect((container.querySelector('input.review-order') as HTMLInputElement).value).toBe('');
    expect(container.querySelector('.review-image__preview')).toBeNull();
  });

  it('on H5 posts the chosen File itself as multipart `file` (the CSP refuses re-reading blob: URLs)', async () => {
    const fetchSpy = vi.fn(async (_url: string, _init?: RequestInit) => ({
      status: 201,
      text: async () => JSON.stringify({ url: '/api/uploads/h5.webp' }),
    }));
    vi.stubGlobal('fetch', fetchSpy);
    try {
      const file = new File([new Uint8Array([1, 2, 3])], 'review.webp', { type: 'image/webp' });
      vi.mocked(Taro.chooseImage).mockResolvedValueOnce({
        tempFilePaths: ['blob:h5'],
        tempFiles: [{ path: 'blob:h5', size: 3, originalFileObj: file }],
        errMsg: 'chooseImage:ok',
      });
      const { container } = render(<ReviewTaskPage />);
      await screen.findByText('审核中');
      fillForm(container, 'JD20261123');
      fireEvent.click(container.querySelector('.review-image') as HTMLElement);
      await waitFor(() => expect(screen.getByText('点击更换')).toBeTruthy());
      expect(Taro.uploadFile).not.toHaveBeenCalled();
      const [url, init] = fetchSpy.mock.calls[0]!;
      expect(url).toBe('/api/uploads');
      expect(init?.method).toBe('POST');
      expect(init?.headers).toEqual({ Authorization: 'Bearer access-1' });
      expect((init!.body as FormData).get('file')).toBeInstanceOf(File);

      fireEvent.click(container.querySelector('.review-submit') as HTMLElement);
      await waitFor(() => expect(submitted).toHaveLength(1));
      expect(submitted[0]?.data).toEqual({ platform: 'jd', orderRef: 'JD20261123', imageUrl: '/api/uploads/h5.webp' });
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('does not submit without a platform, a screenshot or a valid order number', async () => {
    const { container } = render(<ReviewTaskPage />);
    await screen.findByText('审核中');
    fireEvent.click(container.querySelector('.review-submit') as HTMLElement);
    expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请选择评价所在的平台' }));
    fillForm(container, 'x');
    fireEvent.click(container.querySelector('.review-submit') as HTMLElement);
    expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '请上传评价截图' }));
    fireEvent.click(container.querySelector('.review-image') as HTMLElement);
    await waitFor(() => expect(screen.getByText('点击更换')).toBeTruthy());
    fireEvent.click(container.querySelector('.review-submit') as HTMLElement);
    expect(Taro.showToast).toHaveBeenLastCalledWith(
      expect.objectContaining({ title: '订单号为 4–64 位字母、数字、- 或 _' }),
    );
    expect(submitted).toHaveLength(0);
  });

  it('refuses an image over 2 MB before uploading, and shows the server’s reason when an upload fails', async () => {
    const { container } = render(<ReviewTaskPage />);
    await screen.findByText('审核中');
    vi.mocked(Taro.chooseImage).mockResolvedValueOnce({
      tempFilePaths: ['blob:big'],
      tempFiles: [{ path: 'blob:big', size: 3 * 1024 * 1024 }],
      errMsg: 'chooseImage:ok',
    });
    fireEvent.click(container.querySelector('.review-image') as HTMLElement);
    await waitFor(() =>
      expect(Taro.showToast).toHaveBeenLastCalledWith(expect.objectContaining({ title: '图片不能超过 2 MB' })),
    );
    expect(Taro.uploadFile).not.toHaveBeenCalled();

    vi.mocked(Taro.uploadFile).mockResolvedValueOnce({
      statusCode: 415,
      data: JSON.stringify(error(415, 'upload_type', '仅支持 png、jpeg、webp 图片').data),
      errMsg: 'uploadFile:ok',
    });
    fireEvent.click(container.querySelector('.review-image') as HTMLElement);
    await waitFor(() =>
      expect(Taro.showToast).toHaveBeenLastCalledWith(
        expect.objectContaining({ title: '仅支持 png、jpeg、webp 图片' }),
      ),
    );
    expect(container.querySelector('.review-image__preview')).toBeNull();
  });

  it('lists my submissions with their review status', async () => {
    const { container } = render(<ReviewTaskPage />);
    await screen.findByText('审核中');
    const statuses = [...container.querySelectorAll('.review-submission__status')].map((node) => node.textContent);
    expect(statuses).toEqual(['审核中', '已通过 +30 积分', '未通过：截图看不清订单信息']);
    expect(container.textContent).toContain('京东 · JD88990011');
    expect(sent()[0]?.url).toBe('/api/me/review-submissions');
  });
});
