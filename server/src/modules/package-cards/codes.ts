/**
 * Package-card codes: 11 random characters from a 32-character alphabet without 0/O/1/I (55 bits, so
 * a guess hits one of 10,000 printed codes about once in 3.6 × 10^12 tries) and a Luhn mod 32 check
 * character, printed as `ABCD-EFGH-JKLM`. The check rules live in @siyu/shared.
 */
import { randomBytes } from 'node:crypto';
import {
  PACKAGE_CARD_ALPHABET,
  PACKAGE_CARD_BODY_LENGTH,
  PACKAGE_CARD_PAGE,
  PACKAGE_CARD_SCENE_PREFIX,
  packageCardCheckChar,
} from '@siyu/shared';

/** `count` fresh codes (unique among themselves; the database's unique key decides against others). */
export function generateCodes(count: number): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    // 32 divides 256, so `byte % 32` is uniform.
    const bytes = randomBytes(PACKAGE_CARD_BODY_LENGTH * (count - codes.size));
    for (let offset = 0; offset + PACKAGE_CARD_BODY_LENGTH <= bytes.length; offset += PACKAGE_CARD_BODY_LENGTH) {
      let body = '';
      for (let i = 0; i < PACKAGE_CARD_BODY_LENGTH; i++) body += PACKAGE_CARD_ALPHABET[bytes[offset + i]! % 32];
      codes.add(body + packageCardCheckChar(body));
    }
  }
  return [...codes];
}

/** The `wxacode.getUnlimited` scene for a code: `pc=<code>`, 15 characters of the allowed set. */
export const sceneOf = (code: string) => `${PACKAGE_CARD_SCENE_PREFIX}${code}`;
/** The page path with the code as a query (for links and `wx.navigateToMiniProgram`). */
export const pathOf = (code: string) => `/${PACKAGE_CARD_PAGE}?code=${code}`;
