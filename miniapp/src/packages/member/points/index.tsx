import {
  formatShopTime,
  type StoreCheckins,
  type StorePointsPage,
  type StoreTask,
  shopDay,
  type TaskClaimResponse,
} from '@siyu/shared';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../../api/client';
import { fetchPoints } from '../../../api/points';
import { isLoggedIn } from '../../../api/session';
import { claimTask, fetchCheckins, fetchTasks } from '../../../api/tasks';
import { PAGES } from '../../../brand';
import { Button, ErrorState, LoadingState } from '../../../components';
import { useLoad } from '../../../hooks/use-load';
import { useMember } from '../../../hooks/use-member';
import { daysToBonus, monthGrid } from '../../../membership/calendar';
import { LoginPrompt } from '../../../membership/member-gate';
import { openPage } from '../../../membership/open-page';
import { MEMBER_PAGES } from '../../../membership/pages';
import { taskCta } from '../../../membership/task-cta';
import './index.scss';

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

interface PointsCenter {
  points: StorePointsPage;
  checkins: StoreCheckins;
  tasks: StoreTask[];
}

async function loadCenter(): Promise<PointsCenter> {
  const [points, checkins, tasks] = await Promise.all([
    fetchPoints(1, 1, { silent: true }),
    fetchCheckins(shopDay().slice(0, 7), { silent: true }),
    fetchTasks({ silent: true }),
  ]);
  return { points, checkins, tasks };
}

function expiryDay(at: string): string {
  try {
    return formatShopTime(at, 'YYYY-MM-DD');
  } catch {
    return at.slice(0, 10);
  }
}

function CheckinBlock({
  checkins,
  checkingIn,
  burst,
  onCheckIn,
}: {
  checkins: StoreCheckins;
  checkingIn: boolean;
  burst: string | null;
  onCheckIn: () => void;
}) {
  const today = shopDay();
  const cells = monthGrid(checkins.month, checkins.days, today);
  const [year, month] = checkins.month.split('-');
  const toBonus = daysToBonus(checkins.streak, checkins.bonusEvery);
  return (
    <View className="checkin card">
      <View className="checkin__head">
        <View className="checkin__title">
          <Text className="checkin__heading">每日签到</Text>
          <Text className="checkin__streak">{`已连续签到 ${checkins.streak} 天`}</Text>
        </View>
        <View className="checkin__action">
          {burst ? <Text className="checkin__burst">{burst}</Text> : null}
          <Button
            variant="gold"
            size="sm"
            className="checkin-button"
            loading={checkingIn}
            disabled={checkins.checkedInToday}
            onClick={onCheckIn}
          >
            {checkins.checkedInToday ? '今日已签到' : '签到'}
          </Button>
        </View>
      </View>
      {checkins.bonusPoints > 0 ? (
        <Text className="checkin__hint">
          {`连续签到每满 ${checkins.bonusEvery} 天额外奖励 ${checkins.bonusPoints} 积分，`}
          {!checkins.checkedInToday && toBonus === 1 ? '今天签到即可获得' : `再签 ${toBonus} 天可获得`}
        </Text>
      ) : null}
      <View className="checkin-calendar">
        <Text className="checkin-calendar__month">{`${year}年${Number(month)}月`}</Text>
        <View className="checkin-calendar__grid">
          {WEEKDAYS.map((weekday) => (
            <Text key={weekday} className="checkin-calendar__weekday">
              {weekday}
            </Text>
          ))}
          {cells.map((cell, index) =>
            cell ? (
              <View
                key={cell.date}
                className={[
                  'checkin-day',
                  cell.checked ? 'checkin-day--checked' : '',
                  cell.today ? 'checkin-day--today' : '',
                ]
                  .filter(Boolean)
                  .join(' ')}
                data-date={cell.date}
              >
                <Text className="checkin-day__number">{cell.day}</Text>
                {cell.checked ? <Text className="checkin-day__mark">✓</Text> : null}
              </View>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: the blank cells before the 1st have no identity.
              <View key={`blank-${index}`} className="checkin-day checkin-day--blank" />
            ),
          )}
        </View>
      </View>
    </View>
  );
}

function TaskItem({
  task,
  busy,
  onCheckIn,
  onClaim,
  onCode,
}: {
  task: StoreTask;
  busy: boolean;
  onCheckIn: () => void;
  onClaim: (task: StoreTask) => void;
  onCode: (task: StoreTask) => void;
}) {
  const cta = taskCta(task);
  const onClick = () => {
    if (cta.kind === 'checkin') onCheckIn();
    else if (cta.kind === 'claim') onClaim(task);
    else if (cta.kind === 'code') onCode(task);
    else if (cta.kind === 'navigate') openPage(cta.path);
  };
  const quiet = cta.kind === 'none' || task.status === 'pending_review';
  return (
    <View className={`task-item task-item--${task.status}`} data-task={task.code}>
      <View className="task-item__main">
        <View className="task-item__line">
          <Text className="task-item__title">{task.title}</Text>
          <Text className="task-item__points">{`+${task.points} 积分`}</Text>
        </View>
        <Text className="task-item__status">{task.statusText}</Text>
        <Text className="task-item__description">{task.description}</Text>
      </View>
      <Button
        variant={quiet ? 'outline' : 'primary'}
        size="sm"
        className="task-item__cta"
        loading={busy}
        disabled={cta.kind === 'none'}
        onClick={onClick}
      >
        {cta.label}
      </Button>
    </View>
  );
}

export default function PointsPage() {
  const { loggedIn } = useMember();
  const center = useLoad(loadCenter, 'points-center', { auto: false });
  const [checkingIn, setCheckingIn] = useState(false);
  const [claiming, setClaiming] = useState<string | null>(null);
  const [burst, setBurst] = useState<string | null>(null);
  const burstTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const { reload } = center;

  const refresh = useCallback(() => {
    if (isLoggedIn()) void reload();
  }, [reload]);

  useDidShow(refresh);
  useEffect(
    () => () => {
      if (burstTimer.current) clearTimeout(burstTimer.current);
    },
    [],
  );

  const announce = (result: TaskClaimResponse) => {
    const text = `+${result.pointsAwarded} 积分`;
    const title = result.bonusPoints ? `${text}（含连签奖励 ${result.bonusPoints}）` : `签到成功 ${text}`;
    void Taro.showToast({ title, icon: 'none', duration: 2000 });
    setBurst(text);
    if (burstTimer.current) clearTimeout(burstTimer.current);
    burstTimer.current = setTimeout(() => setBurst(null), 1600);
  };

  const checkIn = async () => {
    if (checkingIn) return;
    setCheckingIn(true);
    try {
      const result = await claimTask('daily-checkin', {}, { silent: true });
      announce(result);
    } catch (caught) {
      void Taro.showToast({ title: (caught as ApiError).message, icon: 'none' });
    } finally {
      setCheckingIn(false);
      await reload();
    }
  };

  const claim = async (task: StoreTask) => {
    setClaiming(task.code);
    try {
      const result = await claimTask(task.code, {}, { silent: true });
      void Taro.showToast({ title: `+${result.pointsAwarded} 积分`, icon: 'none' });
      await reload();
    } catch (caught) {
      const error = caught as ApiError;
      if (task.code === 'complete-profile' && error.code === 'profile_incomplete') {
        const { confirm } = await Taro.showModal({
          title: '资料还未完善',
          content: error.message,
          confirmText: '去完善',
        });
        if (confirm) openPage(PAGES.profile);
      } else {
        void Taro.showToast({ title: error.message, icon: 'none' });
      }
    } finally {
      setClaiming(null);
    }
  };

  const enterCode = async (task: StoreTask) => {
    const answer = (await Taro.showModal({
      title: task.title,
      content: '',
      editable: true,
      placeholderText: '请输入公众号内获取的口令',
    } as Taro.showModal.Option)) as Taro.showModal.SuccessCallbackResult & { content?: string };
    const code = answer.content?.trim();
    if (!answer.confirm || !code) return;
    setClaiming(task.code);
    try {
      const result = await claimTask(task.code, { code });
      void Taro.showToast({ title: `+${result.pointsAwarded} 积分`, icon: 'none' });
      await reload();
    } catch {
      // Told by the client.
    } finally {
      setClaiming(null);
    }
  };

  if (!loggedIn) return <LoginPrompt what="积分与签到" />;

  const { data, error, loading } = center;
  if (!data) {
    return (
      <View className="page points">
        {error ? (
          <ErrorState message={error.message} onRetry={refresh} retrying={loading} />
        ) : (
          <LoadingState rows={5} />
        )}
      </View>
    );
  }

  const { points, checkins, tasks } = data;
  return (
    <View className="page points">
      <View className="points-top">
        <Text className="points-top__label">我的积分</Text>
        <Text className="points-balance">{points.balance}</Text>
        {points.expiringSoon && points.expiringSoon.amount > 0 ? (
          <Text className="points-expiring">
            {`${points.expiringSoon.amount} 积分将于 ${expiryDay(points.expiringSoon.at)} 过期`}
          </Text>
        ) : (
          <Text className="points-expiring points-expiring--none">积分有效期至获得次年年底</Text>
        )}
        <View className="points-links">
          <View
            className="points-link points-link--history"
            hoverClass="points-link--pressed"
            onClick={() => openPage(MEMBER_PAGES.pointsHistory)}
          >
            <Text>积分明细</Text>
          </View>
          <View className="points-links__rule" />
          <View
            className="points-link points-link--mall"
            hoverClass="points-link--pressed"
            onClick={() => openPage(MEMBER_PAGES.pointsMall)}
          >
            <Text>积分商城</Text>
          </View>
        </View>
      </View>

      <View className="points-body">
        {error ? <Text className="points-stale">{`刷新失败：${error.message}`}</Text> : null}
        <CheckinBlock checkins={checkins} checkingIn={checkingIn} burst={burst} onCheckIn={() => void checkIn()} />

        <View className="section">
          <View className="section__title">
            <Text>做任务 赚积分</Text>
            <Text className="section__hint">积分可抵现、兑换好礼</Text>
          </View>
          {tasks.length === 0 ? (
            <View className="card points-empty-tasks">
              <Text>暂无可做的任务，敬请期待</Text>
            </View>
          ) : (
            <View className="card task-list">
              {tasks.map((task) => (
                <TaskItem
                  key={task.code}
                  task={task}
                  busy={claiming === task.code || (task.code === 'daily-checkin' && checkingIn)}
                  onCheckIn={() => void checkIn()}
                  onClaim={(target) => void claim(target)}
                  onCode={(target) => void enterCode(target)}
                />
              ))}
            </View>
          )}
        </View>
      </View>
    </View>
  );
}
