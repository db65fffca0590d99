import { Text, View } from '@tarojs/components';
import './member-code.scss';

/**
 * Code 128 (set B) bar/space widths in modules, by symbol value 0–106 (106 is the stop, with its final bar).
 * Drawn locally as views: no image service, no network, the same on weapp and H5.
 */
const CODE128 = [
  '212222',
  '222122',
  '222221',
  '121223',
  '121322',
  '131222',
  '122213',
  '122312',
  '132212',
  '221213',
  '221312',
  '231212',
  '112232',
  '122132',
  '122231',
  '113222',
  '123122',
  '123221',
  '223211',
  '221132',
  '221231',
  '213212',
  '223112',
  '312131',
  '311222',
  '321122',
  '321221',
  '312212',
  '322112',
  '322211',
  '212123',
  '212321',
  '232121',
  '111323',
  '131123',
  '131321',
  '112313',
  '132113',
  '132311',
  '211313',
  '231113',
  '231311',
  '112133',
  '112331',
  '132131',
  '113123',
  '113321',
  '133121',
  '313121',
  '211331',
  '231131',
  '213113',
  '213311',
  '213131',
  '311123',
  '311321',
  '331121',
  '312113',
  '312311',
  '332111',
  '314111',
  '221411',
  '431111',
  '111224',
  '111422',
  '121124',
  '121421',
  '141122',
  '141221',
  '112214',
  '112412',
  '122114',
  '122411',
  '142112',
  '142211',
  '241211',
  '221114',
  '413111',
  '241112',
  '134111',
  '111242',
  '121142',
  '121241',
  '114212',
  '124112',
  '124211',
  '411212',
  '421112',
  '421211',
  '212141',
  '214121',
  '412121',
  '111143',
  '111341',
  '131141',
  '114113',
  '114311',
  '411113',
  '411311',
  '113141',
  '114131',
  '311141',
  '411131',
  '211412',
  '211214',
  '211232',
  '2331112',
] as const;

export const CODE128_START_B = 104;
export const CODE128_STOP = 106;

/** The symbol values of `text` in Code 128 B: start, the characters, the mod-103 check symbol, stop. */
export function code128Symbols(text: string): number[] {
  const values = Array.from(text, (char) => {
    const code = char.charCodeAt(0);
    if (code < 32 || code > 126) throw new Error(`not encodable in Code 128 B: ${char}`);
    return code - 32;
  });
  const check = values.reduce((sum, value, index) => sum + value * (index + 1), CODE128_START_B) % 103;
  return [CODE128_START_B, ...values, check, CODE128_STOP];
}

/** Alternating bar and space widths (bars first) for the whole symbol, quiet zones excluded. */
export function code128Widths(text: string): number[] {
  return code128Symbols(text).flatMap((symbol) => Array.from(CODE128[symbol] ?? '', Number));
}

/** 会员码: the member number as a barcode for the till, with the number written under it. */
export function MemberCode({ memberNo }: { memberNo: string }) {
  const widths = code128Widths(memberNo);
  const quiet = 10;
  const total = widths.reduce((sum, width) => sum + width, 0) + quiet * 2;
  return (
    <View className="member-code" aria-label={`会员码 ${memberNo}`}>
      <View
        className="member-code__bars"
        style={{ paddingLeft: `${(quiet / total) * 100}%`, paddingRight: `${(quiet / total) * 100}%` }}
      >
        {widths.map((width, index) => (
          <View
            // biome-ignore lint/suspicious/noArrayIndexKey: a fixed drawing; position is the identity.
            key={index}
            className={index % 2 === 0 ? 'member-code__bar' : 'member-code__space'}
            style={{ width: `${(width / total) * 100}%` }}
          />
        ))}
      </View>
      <Text className="member-code__no">{memberNo.replace(/(.{4})/g, '$1 ').trim()}</Text>
    </View>
  );
}
