/** The bb-signal URL the site's server wrote into the page. */
export function signalUrlFromPage(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="bb-signal-url"]');
  if (meta === null || meta.content === '') {
    throw new Error('The page has no <meta name="bb-signal-url">');
  }
  return meta.content;
}

/** The element the page's HTML must contain; a missing one is a bug in the page. */
export function required<T extends Element>(selector: string): T {
  const element = document.querySelector<T>(selector);
  if (element === null) {
    throw new Error(`The page has no ${selector}`);
  }
  return element;
}
