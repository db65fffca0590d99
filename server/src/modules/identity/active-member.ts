import { Types } from 'mongoose';
import { AppError } from '../../http/errors';
import { Member, type MemberDoc } from './member.model';

/** An active member by id (other modules read members, only identity writes them); 404 otherwise. */
export async function activeMember(memberId: string | Types.ObjectId): Promise<MemberDoc> {
  const member = Types.ObjectId.isValid(memberId)
    ? await Member.findOne({ _id: memberId, status: 'active' }).lean<MemberDoc>()
    : null;
  if (!member) throw new AppError('not_found', 'member_not_found', '会员不存在');
  return member;
}
