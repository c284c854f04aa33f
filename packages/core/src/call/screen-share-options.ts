import * as z from 'zod/mini';
import { BbError } from '../errors/index.js';

/** Which kind of surface the browser's picker offers first. */
export type ShareSurface = 'tab' | 'window' | 'screen';

/**
 * What `SessionCall.startScreenShare(options)` accepts. The defaults favour sharing less:
 * a tab or a window rather than a whole screen, without system audio.
 */
export interface ScreenShareOptions {
  /**
   * The surface the picker offers first. `'screen'` also lets the picker list whole
   * screens, which are left out otherwise. [options.surface='tab']
   */
  readonly surface?: ShareSurface;
  /** Sends the shared tab's or the system's sound too. [options.audio=false] */
  readonly audio?: boolean;
  /**
   * Shares only this element of the calling page (Element Capture where the browser has
   * it, Region Capture otherwise). The picker then offers this tab. Cannot be combined
   * with `surface` other than `'tab'`. [options.element]
   */
  readonly element?: Element;
  /**
   * Raw `getDisplayMedia` options merged last over the ones built here (the `video`
   * member merged one level deep), for integrators who need something not covered
   * above. [options.displayMediaOptions]
   */
  readonly displayMediaOptions?: Readonly<Record<string, unknown>>;
}

/**
 * The `getDisplayMedia` options with the Screen Capture spec's newer members
 * (https://w3c.github.io/mediacapture-screen-share/ section 5.4), which TypeScript's DOM
 * library does not know yet.
 */
export interface DisplayMediaRequest {
  readonly video: boolean | Readonly<Record<string, unknown>>;
  readonly audio: boolean | Readonly<Record<string, unknown>>;
  readonly [member: string]: unknown;
}

/** The validated, frozen share options, with the capture request built from them. */
export interface ResolvedShareOptions {
  readonly element: Element | undefined;
  readonly request: DisplayMediaRequest;
}

const SURFACE_TO_DISPLAY_SURFACE: Readonly<Record<ShareSurface, string>> = {
  tab: 'browser',
  window: 'window',
  screen: 'monitor',
};

const isElement = (value: unknown): value is Element =>
  typeof Element === 'function'
    ? value instanceof Element
    : typeof value === 'object' && value !== null && 'getBoundingClientRect' in value;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const ShareOptionsSchema = z.strictObject({
  surface: z.optional(z.enum(['tab', 'window', 'screen'])),
  audio: z.optional(z.boolean()),
  element: z.optional(z.custom<Element>(isElement)),
  displayMediaOptions: z.optional(z.custom<Record<string, unknown>>(isPlainObject)),
});

function issueToError(issue: z.core.$ZodIssue): Error {
  const field = ['options', ...issue.path.map(String)].join('.');
  if (issue.code === 'unrecognized_keys') {
    return new BbError(
      'BB_ERR_INVALID_ARGUMENT',
      `startScreenShare: unknown option ${issue.keys.map((key) => `options.${key}`).join(', ')}`,
    );
  }
  if (issue.code === 'invalid_value') {
    return new RangeError(`startScreenShare: ${field} must be 'tab', 'window' or 'screen'`);
  }
  return new TypeError(`startScreenShare: ${field} has the wrong type (${issue.message})`);
}

/** Whole-surface sharing: a tab or window first, no whole screens, no own tab, no sound. */
function surfaceRequest(surface: ShareSurface, audio: boolean): DisplayMediaRequest {
  return {
    video: { displaySurface: SURFACE_TO_DISPLAY_SURFACE[surface] },
    audio,
    monitorTypeSurfaces: surface === 'screen' ? 'include' : 'exclude',
    // Sharing the session's own tab would show the other person their own video back.
    selfBrowserSurface: 'exclude',
    surfaceSwitching: 'include',
    systemAudio: audio ? 'include' : 'exclude',
  };
}

/**
 * Element sharing captures the calling tab and then narrows the track to the element,
 * so this tab must be offered (and preferred); switching to another tab is left out
 * because the element would no longer be in the captured surface.
 */
function elementRequest(audio: boolean): DisplayMediaRequest {
  return {
    video: { displaySurface: 'browser' },
    audio,
    preferCurrentTab: true,
    selfBrowserSurface: 'include',
    monitorTypeSurfaces: 'exclude',
    surfaceSwitching: 'exclude',
    systemAudio: 'exclude',
  };
}

function mergeOverride(
  built: DisplayMediaRequest,
  override: Readonly<Record<string, unknown>> | undefined,
): DisplayMediaRequest {
  if (override === undefined) {
    return built;
  }
  const video =
    isPlainObject(built.video) && isPlainObject(override['video'])
      ? { ...built.video, ...override['video'] }
      : (override['video'] ?? built.video);
  return { ...built, ...override, video } as DisplayMediaRequest;
}

/**
 * Validates the options of `startScreenShare` once and builds the `getDisplayMedia`
 * request from them. Throws a TypeError, RangeError or `BbError` naming the field.
 */
export function resolveShareOptions(options: unknown = {}): ResolvedShareOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('startScreenShare: options must be an object');
  }
  const parsed = ShareOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw issue === undefined
      ? new TypeError('startScreenShare: invalid options')
      : issueToError(issue);
  }
  const { surface, audio = false, element, displayMediaOptions } = parsed.data;
  if (element !== undefined && surface !== undefined && surface !== 'tab') {
    throw new RangeError(
      "startScreenShare: options.element shares part of this tab; options.surface must be 'tab'" +
        ' or absent',
    );
  }
  const built =
    element === undefined ? surfaceRequest(surface ?? 'tab', audio) : elementRequest(audio);
  const request = mergeOverride(built, displayMediaOptions);
  return Object.freeze({
    element,
    request: Object.freeze({
      ...request,
      video: isPlainObject(request.video) ? Object.freeze({ ...request.video }) : request.video,
    }),
  });
}
