// Colours: those that depend only on a name, so a module keeps its hue on every page and every run, and palettes of
// colours told apart by everyone (the relate and ecosystem pages).
import { hcl, lab, rgb, type LabColor, type RGBColor } from "d3";

type Dichromacy = number[][];

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

// Project colours: told apart by everyone. Chosen greedily from a grid of hue, chroma and lightness (light enough on
// white, dark enough for labels), each the farthest from those before it by the smallest ΔE under simulated
// protanopia, deuteranopia and tritanopia (Machado et al. 2009) and under normal vision (weighed 1/1.3, so that it stays
// wider): thirty colours stay ΔE ≥ 14 apart for normal vision and ≥ 10 for each dichromacy. The same every time; past the grid (hundreds of projects), hues a golden angle apart, still distinct strings.
export function palette(count: number): string[] {
  const views = (colour: string): LabColor[] => { const l = lab(colour); return [l, ...Object.values(DICHROMACY).map((m) => lab(simulate(l, m)))]; };
  const apart = (x: LabColor[], y: LabColor[]) => Math.min(deltaE(x[0], y[0]) / 1.3, ...x.slice(1).map((v, i) => deltaE(v, y[i + 1])));
  const candidates: { hex: string; views: LabColor[] }[] = [];
  for (const l of [35, 43, 51, 59, 67, 75]) {
    for (const c of [10, 30, 50, 70]) {
      for (let h = 0; h < 360; h += 5) {
        const colour = hcl(h, c, l);
        if (colour.displayable()) candidates.push({ hex: colour.formatHex(), views: views(colour.formatHex()) });
      }
    }
  }
  const chosen = [{ hex: "#4e79a7", views: views("#4e79a7") }];
  const nearest = candidates.map((c) => apart(c.views, chosen[0].views));
  while (chosen.length < count && candidates.length > 0) {
    let best = 0;
    for (let k = 1; k < candidates.length; k++) if (nearest[k] > nearest[best]) best = k;
    const pick = candidates[best];
    chosen.push(pick);
    candidates.splice(best, 1);
    nearest.splice(best, 1);
    for (let k = 0; k < candidates.length; k++) nearest[k] = Math.min(nearest[k], apart(candidates[k].views, pick.views));
  }
  const hexes = chosen.slice(0, count).map((c) => c.hex);
  const frac = (x: number) => x - Math.floor(x);
  for (let i = hexes.length; i < count; i++) {
    hexes.push(hcl((i * 137.508) % 360, 38 + 30 * frac(i * 0.7548776662), 42 + 28 * frac(i * 0.5698402910)).formatHex());
  }
  return hexes;
}

// Machado, Oliveira and Fernandes (2009), severity 1: linear-RGB matrices of the three dichromacies.
export const DICHROMACY: Record<"protanopia" | "deuteranopia" | "tritanopia", Dichromacy> = {
  protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]],
  deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]],
  tritanopia: [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]],
};

// A colour as seen with a dichromacy (one of DICHROMACY's matrices).
export function simulate(colour: string | LabColor | RGBColor, matrix: Dichromacy): RGBColor {
  const c = typeof colour === "string" ? rgb(colour) : rgb(colour);
  const decode = (v: number) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
  const encode = (v: number) => { v = Math.min(1, Math.max(0, v)); return 255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055); };
  const linear = [decode(c.r), decode(c.g), decode(c.b)];
  const [r, g, b] = matrix.map((row) => row[0] * linear[0] + row[1] * linear[1] + row[2] * linear[2]);
  return rgb(encode(r), encode(g), encode(b));
}

export function deltaE(x: string | LabColor, y: string | LabColor): number {
  const a = typeof x === "string" ? lab(x) : lab(x), b = typeof y === "string" ? lab(y) : lab(y);
  return Math.hypot(a.l - b.l, a.a - b.a, a.b - b.b);
}
