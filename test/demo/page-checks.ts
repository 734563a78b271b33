import type { Page } from 'playwright-core';

/**
 * What the projector tests measure in the page, from element and text rectangles: every box of visible text
 * in a lane (a text run of the HTML, a label of the timeline), where it may be drawn (its lane, narrowed by
 * every ancestor that clips, or its diagram), and the page's visible words.
 */

export interface TextBox {
  text: string;
  /** The text node's index in the lane: two boxes of one node (a wrapped line) are one text. */
  node: number;
  rect: { left: number; top: number; right: number; bottom: number };
  /** Where the text may be drawn without being cut. */
  clip: { left: number; top: number; right: number; bottom: number };
}

/** Every box of visible text in the lane `lane`, with its clip. */
export function laneTextBoxes(page: Page, lane: string): Promise<TextBox[]> {
  return page.evaluate((laneName) => {
    const root = document.querySelector(`[data-lane="${laneName}"]`)!;
    const plain = (r: DOMRect) => ({ left: r.left, top: r.top, right: r.right, bottom: r.bottom });
    const intersect = (a: TextBox['clip'], b: TextBox['clip']) => ({
      left: Math.max(a.left, b.left),
      top: Math.max(a.top, b.top),
      right: Math.min(a.right, b.right),
      bottom: Math.min(a.bottom, b.bottom),
    });
    // The lane, narrowed by every ancestor between it and the text that hides what overflows it.
    const clipOf = (element: Element): TextBox['clip'] => {
      let clip = plain(root.getBoundingClientRect());
      for (let a: Element | null = element; a && a !== root; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (style.overflowX !== 'visible' || style.overflowY !== 'visible') clip = intersect(clip, plain(a.getBoundingClientRect()));
      }
      return clip;
    };
    const boxes: TextBox[] = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode(), node++) {
      const text = n.textContent ?? '';
      const parent = n.parentElement!;
      if (text.trim() === '' || !parent.checkVisibility({ visibilityProperty: true })) continue;
      const svgText = parent.closest('text');
      if (svgText) {
        const rect = svgText.getBoundingClientRect();
        if (rect.width > 0) boxes.push({ text, node, rect: plain(rect), clip: plain(svgText.ownerSVGElement!.getBoundingClientRect()) });
        continue;
      }
      const range = document.createRange();
      range.selectNodeContents(n);
      for (const rect of range.getClientRects()) if (rect.width > 0) boxes.push({ text, node, rect: plain(rect), clip: clipOf(parent) });
    }
    return boxes;
  }, lane);
}

/** Boxes drawn outside their clip, by more than half a pixel. */
export function cutBoxes(boxes: readonly TextBox[]): string[] {
  const out = 0.5;
  return boxes
    .filter(
      ({ rect, clip }) =>
        rect.left < clip.left - out || rect.top < clip.top - out || rect.right > clip.right + out || rect.bottom > clip.bottom + out,
    )
    .map(({ text, rect, clip }) => `"${text}" ${JSON.stringify(rect)} outside ${JSON.stringify(clip)}`);
}

/**
 * Pairs of texts whose boxes overlap. A text box is the font's full height, taller than a tight line, so two
 * lines of a block may touch by a pixel; ink that overlaps is more than that.
 */
export function overlappingBoxes(boxes: readonly TextBox[]): string[] {
  const clashes: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a.node === b.node) continue;
      const width = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
      const height = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
      if (width > 1 && height > 2.5) clashes.push(`"${a.text}" and "${b.text}" overlap by ${width.toFixed(1)} × ${height.toFixed(1)} px`);
    }
  }
  return clashes;
}

/**
 * The words of the page a reader sees: every visible text run, the value of the message box, the chosen
 * recipient; not the text marked data-wire (raw handshake bytes and addresses, the same in every language) nor
 * the letters on key caps.
 */
export function visibleWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const texts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const parent = n.parentElement!;
      // A key cap shows the letter printed on the key.
      if (parent.closest('[data-wire], kbd, script, style, noscript, option')) continue;
      if ((n.textContent ?? '').trim() === '' || !parent.checkVisibility({ visibilityProperty: true })) continue;
      texts.push(n.textContent!);
    }
    for (const input of document.querySelectorAll<HTMLInputElement>('input:not([type]), input[type="text"]')) {
      if (input.checkVisibility()) texts.push(input.value === '' ? input.placeholder : input.value);
    }
    for (const select of document.querySelectorAll('select')) if (select.checkVisibility()) texts.push(select.selectedOptions[0]?.textContent ?? '');
    return texts;
  });
}

/** Latin-script words (a MIME type or a dotted name counts as one word). */
export function latinWords(texts: readonly string[]): string[] {
  return texts.flatMap((text) => text.match(/[A-Za-z][A-Za-z0-9]*(?:[./_-][A-Za-z0-9]+)*/g) ?? []);
}
