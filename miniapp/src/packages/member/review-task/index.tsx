import {
  formatShopTime,
  REVIEW_PLATFORM_NAMES,
  REVIEW_PLATFORMS,
  type ReviewPlatform,
  ReviewSubmissionRequestSchema,
  type StoreReviewSubmission,
} from '@siyu/shared';
import { Input, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useCallback, useState } from 'react';
import { isLoggedIn } from '../../../api/session';
import { fetchReviewSubmissions, submitReview } from '../../../api/tasks';
import { imageSrc, UPLOAD_MAX_BYTES, uploadImage } from '../../../api/uploads';
import { Button, EmptyState, ErrorState, LoadingState } from '../../../components';
import { PrivacyPopup } from '../../../components/privacy-popup';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { LoginPrompt } from '../../../membership/member-gate';
import './index.scss';
import { Picture } from '../../../components';

/**
 * The honest promise of this task. Paying for positive reviews (好评返现) is unlawful: any real review counts,
 * the rating is never asked for, and a person approves every screenshot.
 */
const REVIEW_TASK_INTRO =
  '在天猫/京东/抖音/小红书等平台为购买的山茶集商品写下真实评价（好评差评均可），上传评价截图，审核通过后获得积分';

function statusText(submission: StoreReviewSubmission): string {
  if (submission.status === 'approved') return `已通过 +${submission.pointsAwarded} 积分`;
  if (submission.status === 'rejected') return `未通过：${submission.rejectReason ?? '不符合要求'}`;
  return '审核中';
}

function submittedAt(instant: string): string {
  try {
    return formatShopTime(instant);
  } catch {
    return instant.slice(0, 16).replace('T', ' ');
  }
}

function Submissions({
  submissions,
  error,
  loading,
  onRetry,
}: {
  submissions: StoreReviewSubmission[] | null;
  error: string | null;
  loading: boolean;
  onRetry: () => void;
}) {
  if (!submissions) {
    return error ? (
      <ErrorState message={error} onRetry={onRetry} retrying={loading} />
    ) : (
      <LoadingState variant="spinner" />
    );
  }
  if (submissions.length === 0) {
    return <EmptyState mark="评" title="还没有提交记录" description="提交后可在这里查看审核进度" />;
  }
  return (
    <View className="review-list card">
      {submissions.map((submission) => (
        <View key={submission.id} className={`review-submission review-submission--${submission.status}`}>
          <Picture className="review-submission__image" src={imageSrc(submission.imageUrl)} mode="aspectFill" />
          <View className="review-submission__main">
            <Text className="review-submission__title">
              {`${REVIEW_PLATFORM_NAMES[submission.platform]} · ${submission.orderRef}`}
            </Text>
            <Text className="review-submission__time">{submittedAt(submission.createdAt)}</Text>
          </View>
          <Text className={`review-submission__status review-submission__status--${submission.status}`}>
            {statusText(submission)}
          </Text>
        </View>
      ))}
    </View>
  );
}

export default function ReviewTaskPage() {
  const { loggedIn } = useMember();
  const submissions = useLoad(() => fetchReviewSubmissions({ silent: true }), 'review-submissions', { auto: false });
  const [platform, setPlatform] = useState<ReviewPlatform | null>(null);
  const [orderRef, setOrderRef] = useState('');
  const [imageUrl, setImageUrl] = useState<string | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const { reload } = submissions;

  const refresh = useCallback(() => {
    if (isLoggedIn()) void reload();
  }, [reload]);
  useDidShow(refresh);

  const pickImage = async () => {
    if (uploading) return;
    let chosen: Taro.chooseImage.SuccessCallbackResult;
    try {
      chosen = await Taro.chooseImage({ count: 1, sizeType: ['compressed'], sourceType: ['album', 'camera'] });
    } catch {
      return; // Cancelled.
    }
    const file = chosen.tempFiles?.[0];
    const path = file?.path ?? chosen.tempFilePaths?.[0];
    if (!path) return;
    if (file && file.size > UPLOAD_MAX_BYTES) {
      void Taro.showToast({ title: '图片不能超过 2 MB', icon: 'none' });
      return;
    }
    setPreview(path);
    setImageUrl(null);
    setUploading(true);
    try {
      setImageUrl(await uploadImage(path, file?.originalFileObj));
    } catch {
      setPreview(null); // The client has told why.
    } finally {
      setUploading(false);
    }
  };

  const submit = async () => {
    if (!platform) {
      void Taro.showToast({ title: '请选择评价所在的平台', icon: 'none' });
      return;
    }
    if (!imageUrl) {
      void Taro.showToast({ title: uploading ? '截图还在上传，请稍候' : '请上传评价截图', icon: 'none' });
      return;
    }
    const checked = ReviewSubmissionRequestSchema.safeParse({ platform, orderRef: orderRef.trim(), imageUrl });
    if (!checked.success) {
      void Taro.showToast({ title: checked.error.issues[0]?.message ?? '请检查填写内容', icon: 'none' });
      return;
    }
    setSubmitting(true);
    try {
      await submitReview(checked.data);
      void Taro.showToast({ title: '已提交，等待审核', icon: 'none' });
      setOrderRef('');
      setImageUrl(null);
      setPreview(null);
      await reload();
    } catch {
      // Told by the client (e.g. 该订单已提交).
    } finally {
      setSubmitting(false);
    }
  };

  if (!loggedIn) return <LoginPrompt what="晒单评价任务" />;

  return (
    <View className="page review-task">
      <View className="review-intro">
        <Text className="review-intro__title">晒单评价 赚积分</Text>
        <Text className="review-intro__text">{REVIEW_TASK_INTRO}</Text>
        <Text className="review-intro__note">评价内容和评分由你自己决定，我们只核对截图是否为本人真实购买的评价。</Text>
      </View>

      <View className="review-form card">
        <Text className="review-form__label">评价平台</Text>
        <View className="review-platforms">
          {REVIEW_PLATFORMS.map((code) => (
            <View
              key={code}
              className={`review-platform ${platform === code ? 'review-platform--on' : ''}`}
              data-platform={code}
              onClick={() => setPlatform(code)}
            >
              <Text>{REVIEW_PLATFORM_NAMES[code]}</Text>
            </View>
          ))}
        </View>

        <Text className="review-form__label">订单号</Text>
        <Input
          className="review-order"
          value={orderRef}
          maxlength={64}
          placeholder="该平台上的订单编号"
          onInput={(event) => setOrderRef(event.detail.value)}
        />

        <Text className="review-form__label">评价截图</Text>
        <View className="review-image" onClick={() => void pickImage()}>
          {preview ? (
            <Picture className="review-image__preview" src={preview} mode="aspectFill" />
          ) : (
            <View className="review-image__empty">
              <Text className="review-image__plus">＋</Text>
              <Text className="review-image__hint">上传截图</Text>
            </View>
          )}
          {uploading ? <Text className="review-image__state">上传中…</Text> : null}
          {preview && imageUrl && !uploading ? <Text className="review-image__state">点击更换</Text> : null}
        </View>
        <Text className="review-form__tip">支持 png / jpg / webp，不超过 2 MB</Text>

        <Button
          variant="primary"
          size="lg"
          block
          className="review-submit"
          loading={submitting}
          disabled={uploading}
          onClick={() => void submit()}
        >
          提交审核
        </Button>
      </View>

      <View className="section">
        <View className="section__title">
          <Text>我的提交</Text>
          <Text className="section__hint">人工审核，通常 1–3 个工作日</Text>
        </View>
        <Submissions
          submissions={submissions.data}
          error={submissions.error?.message ?? null}
          loading={submissions.loading}
          onRetry={refresh}
        />
      </View>
      <PrivacyPopup />
    </View>
  );
}
