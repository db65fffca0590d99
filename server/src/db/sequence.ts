import { model, Schema } from 'mongoose';

const sequenceSchema = new Schema(
  { _id: { type: String, required: true }, value: { type: Number, default: 0 } },
  { collection: 'sequences', versionKey: false },
);
const Sequence = model('Sequence', sequenceSchema);

/** Next value of a named counter: one atomic upsert-$inc, safe on any number of API instances. */
export async function nextSequence(name: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const doc = await Sequence.findOneAndUpdate(
        { _id: name },
        { $inc: { value: 1 } },
        { upsert: true, new: true, lean: true },
      );
      return doc!.value;
    } catch (error) {
      // Two first-ever upserts can race on the same _id; the loser retries and increments the winner's document.
      if ((error as { code?: number }).code !== 11000 || attempt > 2) throw error;
    }
  }
}
