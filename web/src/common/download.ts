// Taking a picture or a table away: a chart as a self-contained SVG (its colours and fonts inline, so it looks the
// same outside the page) or a PNG at twice its size, and a table as CSV. Nothing leaves the machine: the file is
// made here and handed to the browser's download.

// The styles a chart's look depends on, copied from the page's style sheet onto each element of the copy.
const STYLES = [
  "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray", "opacity", "visibility",
  "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "paint-order",
] as const;

/** A title and legend drawn above a chart whose own are HTML beside it (the picture is read away from the page). */
export interface Caption {
  title: string;
  legend?: [label: string, colour: string][];
}

const SVG = "http://www.w3.org/2000/svg";

/** The SVG as a file of its own: a copy with every element's computed style inline, its size, a background, and the
 * caption above it. */
export function svgDocument(svg: SVGSVGElement, caption: Caption | null = null, background = "#ffffff"): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll("*")];
  const copies = [copy, ...copy.querySelectorAll("*")];
  originals.forEach((element, i) => {
    const style = getComputedStyle(element);
    const target = copies[i] as SVGElement;
    if (style.display === "none") {
      target.setAttribute("display", "none");
      return;
    }
    target.setAttribute("style", STYLES.map((name) => `${name}:${style.getPropertyValue(name)}`).join(";"));
  });
  const { width, height } = size(svg);
  const head = captionHeight(caption);
  copy.setAttribute("xmlns", SVG);
  copy.setAttribute("width", String(width));
  copy.setAttribute("height", String(height + head));
  const box = copy.viewBox.baseVal;
  const [x, y, w, h] = copy.getAttribute("viewBox") ? [box.x, box.y, box.width, box.height] : [0, 0, width, height];
  // The caption takes `head` pixels above the chart: as many user units as the chart's scale makes them.
  const unitsHigh = (head * h) / (height || 1);
  copy.setAttribute("viewBox", `${x} ${y - unitsHigh} ${w} ${h + unitsHigh}`);
  const back = element("rect", { x, y: y - unitsHigh, width: w, height: h + unitsHigh, fill: background });
  copy.insertBefore(back, copy.firstChild);
  if (caption) {
    const k = h / (height || 1), font = "font-family:system-ui,sans-serif;fill:#1d2330";
    const title = element("text", { x: x + 4 * k, y: y - unitsHigh + 16 * k, style: `${font};font-size:${14 * k}px;font-weight:600` });
    title.textContent = caption.title;
    copy.insertBefore(title, back.nextSibling);
    let at = x + 4 * k;
    for (const [label, colour] of caption.legend ?? []) {
      copy.append(element("rect", { x: at, y: y - unitsHigh + 25 * k, width: 10 * k, height: 10 * k, fill: colour }));
      const text = element("text", { x: at + 14 * k, y: y - unitsHigh + 34 * k, style: `${font};font-size:${12 * k}px` });
      text.textContent = label;
      copy.append(text);
      at += (24 + 7 * label.length) * k;
    }
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
}

function captionHeight(caption: Caption | null): number {
  return caption ? (caption.legend?.length ? 42 : 24) : 0;
}

function element(name: string, attributes: Record<string, string | number>): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) e.setAttribute(key, String(value));
  return e;
}

/** The chart's size on the page, in CSS pixels. */
export function size(svg: SVGSVGElement): { width: number; height: number } {
  const box = svg.getBoundingClientRect();
  return { width: Math.round(box.width) || svg.width.baseVal.value, height: Math.round(box.height) || svg.height.baseVal.value };
}

/** The SVG drawn at `scale` times its size into a PNG. */
export async function pngOf(svg: SVGSVGElement, caption: Caption | null = null, scale = 2): Promise<Blob> {
  const { width } = size(svg);
  const height = size(svg).height + captionHeight(caption);
  const image = new Image();
  // A data: URL, as the page's Content-Security-Policy allows images from nowhere else.
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgDocument(svg, caption))}`;
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext("2d")!;
  context.scale(scale, scale);
  context.drawImage(image, 0, 0, width, height);
  return new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("no PNG"))), "image/png"));
}

/** A table as CSV (RFC 4180): every cell quoted where it must be; text a spreadsheet would run as a formula (=, +, -,
 * @ first) starts with an apostrophe, since names come from the input. */
export function csvText(headers: string[], rows: (string | number)[][]): string {
  const cell = (value: string | number) => {
    if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
    const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [headers, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

/** A file name from a title: letters, digits, dots and dashes, never a hidden one. */
export function fileName(title: string, extension: string): string {
  const base = title.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^\w.-]+/g, "-").replace(/^[-.]+|-+$/g, "").slice(0, 80) || "kashika";
  return `${base}.${extension}`;
}

export function download(content: Blob | string, name: string, type = "text/plain"): void {
  const blob = typeof content === "string" ? new Blob([content], { type: `${type};charset=utf-8` }) : content;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

/** What a chart offers to take away now: its picture, its table, or both (null: nothing, the button is disabled). */
export interface Exportable {
  svg?: SVGSVGElement | null;
  caption?: Caption | null;
  /** Made only when the CSV button is clicked (a table of every function is not made at each redraw). */
  csv?: (() => { headers: string[]; rows: (string | number)[][] }) | null;
  name: string;
}

/** "Save: SVG PNG CSV" buttons; `what` is asked at each click, so they follow the view shown. The page calls update()
 * after it draws, to enable what the view has. */
export function exportButtons(parent: HTMLElement, what: () => Exportable): { update(): void } {
  const group = document.createElement("span");
  group.className = "export";
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", "save");
  group.append("save ");
  const button = (label: string, title: string, act: (e: Exportable) => void | Promise<void>) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.title = title;
    b.dataset.export = label.toLowerCase();
    b.addEventListener("click", () => { void act(what()); });
    group.append(b);
    return b;
  };
  const svgButton = button("SVG", "the chart as an SVG file (colours and fonts inline)", (e) => { if (e.svg) download(svgDocument(e.svg, e.caption), fileName(e.name, "svg"), "image/svg+xml"); });
  const pngButton = button("PNG", "the chart as a PNG at twice its size", async (e) => { if (e.svg) download(await pngOf(e.svg, e.caption), fileName(e.name, "png")); });
  const csvButton = button("CSV", "the table (or the chart's figures) as CSV", (e) => { if (e.csv) { const table = e.csv(); download(csvText(table.headers, table.rows), fileName(e.name, "csv"), "text/csv"); } });
  parent.append(group);
  const update = () => {
    const e = what();
    svgButton.disabled = pngButton.disabled = !e.svg;
    csvButton.disabled = !e.csv;
  };
  return { update };
}
