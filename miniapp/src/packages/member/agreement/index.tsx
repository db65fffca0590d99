import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect } from 'react';
import { BRAND } from '../../../brand';
import { usePageParams } from '../../../hooks/use-page-params';
import './index.scss';

interface Doc {
  title: string;
  sections: Array<{ heading: string; text: string }>;
}

const DOCS: Record<'terms' | 'privacy', Doc> = {
  terms: {
    title: `${BRAND.mallName}用户协议`,
    sections: [
      {
        heading: '一、会员',
        text: '登录即成为会员。会员等级、成长值与积分按会员卡页面所示规则计算，规则调整会提前公示。',
      },
      {
        heading: '二、购物',
        text: '商品价格以结算页为准；订单在支付时限内未支付将自动取消。售后按订单页的申请售后流程办理。',
      },
      { heading: '三、积分', text: '积分可用于抵扣与兑换，有效期至获得次年年底。积分不可转让、不可兑现。' },
      { heading: '四、诚信', text: '我们不会以积分或返现诱导好评或分享；邀请奖励仅在好友真实下单后发放。' },
    ],
  },
  privacy: {
    title: `${BRAND.mallName}隐私保护指引`,
    sections: [
      {
        heading: '我们收集的信息',
        text: '微信登录标识、昵称与头像（你选择时）、手机号（你授权时）、收货地址、订单与积分记录。',
      },
      {
        heading: '为何使用',
        text: '用于登录、会员权益、配送与售后。相册仅在你上传头像或晒单截图时使用；剪贴板仅在你复制运单号或邀请链接时使用。',
      },
      { heading: '如何保存', text: '信息保存在中国境内的服务器，仅为提供服务所需的期限保留；手机号在页面上脱敏显示。' },
      { heading: '你的权利', text: '你可以在「编辑资料」中修改资料，也可以联系客服查询、更正或删除你的个人信息。' },
    ],
  },
};

/** 用户协议 or 隐私保护指引, by `doc`. */
export default function AgreementPage() {
  const params = usePageParams();
  const doc = DOCS[params.doc === 'privacy' ? 'privacy' : 'terms'];
  useEffect(() => {
    void Taro.setNavigationBarTitle?.({ title: doc.title })?.catch?.(() => undefined);
  }, [doc.title]);
  return (
    <View className="page agreement">
      <Text className="agreement__title">{doc.title}</Text>
      {doc.sections.map((section) => (
        <View key={section.heading} className="agreement__section">
          <Text className="agreement__heading">{section.heading}</Text>
          <Text className="agreement__text">{section.text}</Text>
        </View>
      ))}
    </View>
  );
}
