import { formatFen, type StoreInvitations } from '@siyu/shared';
import { Canvas, Text, View } from '@tarojs/components';
import Taro, { useDidShow, useShareAppMessage } from '@tarojs/taro';
import { useCallback, useEffect, useState } from 'react';
import { fetchProducts } from '../../../api/catalog';
import { downloadInviteCode, fetchInvitations, GROWTH_PAGES } from '../../../api/growth';
import { isLoggedIn } from '../../../api/session';
import { BRAND } from '../../../brand';
import { Button, ErrorState, LoadingState } from '../../../components';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { LoginPrompt } from '../../../membership/member-gate';
import { openPage } from '../../../membership/open-page';
import { drawPoster } from './poster';
import './index.scss';
import { Picture } from '../../../components';

const IS_WEAPP = process.env.TARO_ENV === 'weapp';
const CANVAS_ID = 'invite-poster';
/** The poster as shown (CSS pixels); it is painted at 600×900. */
const POSTER_CSS_WIDTH = 300;
const POSTER_CSS_HEIGHT = 450;

/** On weapp a canvas draws local files only: network images are fetched first. */
async function drawable(src: string | null | undefined): Promise<string | null> {
  if (!src) return null;
  if (!IS_WEAPP) return src;
  if (src.startsWith('data:')) return null;
  try {
    return (await Taro.getImageInfo({ src })).path;
  } catch {
    return null;
  }
}

async function loadPage() {
  const [invitations, products] = await Promise.all([
    fetchInvitations({ silent: true }),
    fetchProducts({ pageSize: 1 }, { silent: true }).catch(() => null),
  ]);
  const product = products?.items.find((item) => !item.locked) ?? null;
  return { invitations, product };
}

type PosterState = { status: 'idle' | 'drawing' | 'failed' } | { status: 'ready'; image: string | null };

export default function InvitePosterPage() {
  const { loggedIn, member } = useMember();
  const loaded = useLoad(loadPage, 'invite-poster', { auto: false });
  const { reload, data } = loaded;
  const [poster, setPoster] = useState<PosterState>({ status: 'idle' });
  const refresh = useCallback(() => {
    if (isLoggedIn()) void reload();
  }, [reload]);
  useDidShow(refresh);

  useShareAppMessage(() => ({
    title: `送你一份${BRAND.name}会员礼遇`,
    path: data?.invitations.path ?? '/pages/home/index',
  }));

  const invitations: StoreInvitations | undefined = data?.invitations;
  const product = data?.product ?? null;

  useEffect(() => {
    if (!invitations || poster.status !== 'idle') return;
    setPoster({ status: 'drawing' });
    void (async () => {
      try {
        // The canvas element must be on the page before it can be painted.
        await new Promise((resolve) => setTimeout(resolve, 50));
        const [avatar, image, code] = await Promise.all([
          drawable(member?.avatarUrl),
          drawable(product && !product.locked ? product.image : null),
          downloadInviteCode().catch(() => null),
        ]);
        const poster = await drawPoster(
          CANVAS_ID,
          {
            brand: BRAND.name,
            nickname: member?.nickname ?? '会员',
            avatar,
            product:
              product && !product.locked ? { title: product.title, priceText: formatFen(product.price), image } : null,
            code,
          },
          POSTER_CSS_WIDTH,
        );
        setPoster({ status: 'ready', image: poster });
      } catch {
        setPoster({ status: 'failed' });
      }
    })();
  }, [invitations, product, member, poster.status]);

  if (!loggedIn) return <LoginPrompt what="你的邀请海报" />;
  if (!invitations) {
    return (
      <View className="page invite-poster">
        {loaded.error ? (
          <ErrorState message={loaded.error.message} onRetry={refresh} retrying={loaded.loading} />
        ) : (
          <LoadingState rows={4} />
        )}
      </View>
    );
  }

  const save = async () => {
    if (poster.status !== 'ready' || !poster.image) return;
    try {
      await Taro.saveImageToPhotosAlbum({ filePath: poster.image });
      void Taro.showToast({ title: '海报已保存到相册', icon: 'none' });
    } catch {
      void Taro.showToast({ title: '保存失败，请长按海报保存', icon: 'none' });
    }
  };

  const exported = poster.status === 'ready' && poster.image;
  return (
    <View className="page invite-poster">
      <View className="invite-poster__head">
        <Text className="invite-poster__title">邀请有礼</Text>
        <Text className="invite-poster__rule">
          {invitations.rewardPoints > 0
            ? `好友注册并完成首单（未退款），你得 ${invitations.rewardPoints} 积分${
                invitations.monthlyCap !== null ? `，每月最多 ${invitations.monthlyCap} 次` : ''
              }`
            : '邀请好友一起成为会员'}
        </Text>
      </View>
      <View className="invite-poster__frame">
        {exported ? (
          <Picture
            className="invite-poster__image"
            src={poster.image!}
            mode="widthFix"
            showMenuByLongpress
            onClick={() => void Taro.previewImage({ urls: [poster.image!] }).catch(() => undefined)}
          />
        ) : null}
        {IS_WEAPP ? (
          <Canvas
            canvasId={CANVAS_ID}
            id={CANVAS_ID}
            className="invite-poster__canvas invite-poster__canvas--hidden"
            style={{ width: `${POSTER_CSS_WIDTH}px`, height: `${POSTER_CSS_HEIGHT}px` }}
          />
        ) : null}
        {poster.status === 'drawing' ? <Text className="invite-poster__hint">海报生成中…</Text> : null}
        {poster.status === 'failed' ? (
          <Text className="invite-poster__hint">海报生成失败，可直接分享给好友</Text>
        ) : null}
      </View>
      <View className="invite-poster__stats card">
        <View className="invite-poster__stat">
          <Text className="invite-poster__stat-value">{invitations.invitedCount}</Text>
          <Text className="invite-poster__stat-label">已邀请</Text>
        </View>
        <View className="invite-poster__stat">
          <Text className="invite-poster__stat-value">{invitations.orderedCount}</Text>
          <Text className="invite-poster__stat-label">已下单</Text>
        </View>
        <View className="invite-poster__stat">
          <Text className="invite-poster__stat-value">{invitations.rewardedCount}</Text>
          <Text className="invite-poster__stat-label">已获奖励</Text>
        </View>
      </View>
      <View className="invite-poster__actions">
        {IS_WEAPP ? (
          <Button variant="primary" block openType="share" className="invite-poster-share">
            分享给微信好友
          </Button>
        ) : null}
        {IS_WEAPP && exported ? (
          <Button variant="gold" block onClick={() => void save()}>
            保存海报到相册
          </Button>
        ) : null}
        {!IS_WEAPP ? <Text className="invite-poster__hint">长按海报保存，发给好友或朋友圈</Text> : null}
        <Button
          variant="outline"
          block
          className="invite-poster-records"
          onClick={() => openPage(GROWTH_PAGES.inviteRecords)}
        >
          查看邀请记录
        </Button>
      </View>
    </View>
  );
}
