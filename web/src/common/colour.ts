// Colours that depend only on a name, so a module keeps its hue on every page and every run.

// FNV-1a over the UTF-16 code units: small, stable, and spread well enough for hues.
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

export function hueOf(name: string): number {
  return hash(name) % 360;
}

export function colourOf(name: string, lightness = 62): string {
  return `hsl(${hueOf(name)}, 58%, ${lightness}%)`;
}
