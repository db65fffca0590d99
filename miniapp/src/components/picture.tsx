import { Image, type ImageProps } from '@tarojs/components';
import { imageSrc } from '../api/uploads';

/**
 * Every picture in the storefront: the server names its own files by path (`/api/media/…`,
 * `/api/uploads/…`), which H5 loads from its own origin and the mini-program must load from the API's.
 */
export function Picture(props: ImageProps) {
  return <Image {...props} src={props.src ? imageSrc(props.src) : props.src} />;
}
