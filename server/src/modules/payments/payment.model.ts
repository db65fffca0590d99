import { model, Schema } from 'mongoose';

/** One row per WeChat Pay transaction id: a transaction can pay exactly one order, once. */
const paymentTransactionSchema = new Schema(
  {
    _id: { type: String, required: true },
    orderNo: { type: String, required: true },
    amount: { type: Number, required: true },
  },
  { collection: 'payment_transactions', timestamps: { createdAt: true, updatedAt: false } },
);
export const PaymentTransaction = model('PaymentTransaction', paymentTransactionSchema);

/** Every verified notification, by its id: replays are recognised and logged, never re-applied. */
const paymentNotificationSchema = new Schema(
  { _id: { type: String, required: true }, eventType: String, outTradeNo: String, outcome: String },
  { collection: 'payment_notifications', timestamps: { createdAt: true, updatedAt: false } },
);
export const PaymentNotification = model('PaymentNotification', paymentNotificationSchema);
