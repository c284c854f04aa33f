import { BbError } from '../errors/index.js';

/**
 * How a tab-capture track is narrowed to one element: Element Capture
 * (`RestrictionTarget` and `restrictTo`, https://screen-share.github.io/element-capture/),
 * which shows only the element and what it contains, or Region Capture (`CropTarget` and
 * `cropTo`, https://w3c.github.io/mediacapture-region/), which crops the tab to the
 * element's box, so anything drawn over that box is sent too.
 */
export type ElementCaptureApi = 'element-capture' | 'region-capture';

interface TargetFactory {
  fromElement(element: Element): Promise<unknown>;
}

type NarrowingTrack = MediaStreamTrack & {
  restrictTo?: (target: unknown) => Promise<void>;
  cropTo?: (target: unknown) => Promise<void>;
};

function factory(name: 'RestrictionTarget' | 'CropTarget'): TargetFactory | undefined {
  const candidate = (globalThis as Record<string, unknown>)[name];
  const fromElement = (candidate as Partial<TargetFactory> | undefined)?.fromElement;
  return typeof fromElement === 'function' ? (candidate as TargetFactory) : undefined;
}

/**
 * The API this browser offers for sharing one element, Element Capture first; undefined
 * where neither exists (Firefox and Safari have neither).
 */
export function elementCaptureApi(): ElementCaptureApi | undefined {
  if (factory('RestrictionTarget') !== undefined) {
    return 'element-capture';
  }
  return factory('CropTarget') !== undefined ? 'region-capture' : undefined;
}

/**
 * Narrows the video track of a capture of the calling tab to `element`. Both APIs
 * reject on a track that is not a capture of this tab.
 */
export async function narrowToElement(
  stream: MediaStream,
  element: Element,
  api: ElementCaptureApi,
): Promise<void> {
  const track: NarrowingTrack | undefined = stream.getVideoTracks()[0];
  const name = api === 'element-capture' ? 'RestrictionTarget' : 'CropTarget';
  const targets = factory(name);
  const narrow = api === 'element-capture' ? track?.restrictTo : track?.cropTo;
  if (track === undefined || targets === undefined || typeof narrow !== 'function') {
    throw new BbError(
      'BB_ERR_SHARE_UNSUPPORTED',
      'This browser cannot share a single element of the page; share a tab or window instead',
    );
  }
  const target = await targets.fromElement(element);
  await narrow.call(track, target);
}
