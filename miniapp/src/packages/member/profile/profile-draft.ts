/** The profile form's working copy and what of it goes to PATCH /me. */
import type { MemberView, UpdateProfileRequest } from '@siyu/shared';

export interface ProfileDraft {
  nickname: string;
  avatarUrl: string;
  birthday: string;
  gender: MemberView['gender'];
}

export function draftOf(member: MemberView): ProfileDraft {
  return {
    nickname: member.nickname,
    avatarUrl: member.avatarUrl,
    birthday: member.birthday ?? '',
    gender: member.gender,
  };
}

/** Only the fields the shopper changed: PATCH /me must not overwrite what they did not touch. */
export function profileChanges(member: MemberView, draft: ProfileDraft): UpdateProfileRequest {
  const changes: UpdateProfileRequest = {};
  if (draft.nickname.trim() !== member.nickname) changes.nickname = draft.nickname.trim();
  if (draft.avatarUrl.trim() !== member.avatarUrl && draft.avatarUrl.trim()) changes.avatarUrl = draft.avatarUrl.trim();
  if (draft.birthday && draft.birthday !== (member.birthday ?? '')) changes.birthday = draft.birthday;
  if (draft.gender !== member.gender) changes.gender = draft.gender;
  return changes;
}

/** WeChat's chooseAvatar gives a file on the device (http://tmp/…, wxfile://…), not a URL others can load. */
export function isDeviceFile(path: string): boolean {
  return /^(wxfile:|http:\/\/tmp\/|http:\/\/usr\/)/.test(path);
}
