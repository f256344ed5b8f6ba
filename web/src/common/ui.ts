// Pieces every Kashika view shares: reading the data island, the tooltip, the side panel and plain tables.
// Everything from the report reaches the DOM through textContent (d3's .text()), never as HTML.
import { select, type Selection, type BaseType } from "d3";
import { grouped, visible } from "./format.js";

// The report's data, every string in it as the page shows it (visible: a name's line break or right-to-left mark is
// shown as such, never obeyed), so that no view can forget to. Kashika's own help texts ("text": a column's
// explanation) keep their lines.
export function readData<T>(): T {
  const island = document.getElementById("kashika-data");
  if (!island?.textContent) throw new Error("this page has no data (its kashika-data island is missing)");
  return showStrings(JSON.parse(island.textContent)) as T;
}

// Every string of parsed data made visible, in place, except under "text". A walk after parsing rather than a reviver:
// a reviver is called for each of millions of numbers, and doubled the parse of a large profile.
export function showStrings(data: unknown): unknown {
  const stack: unknown[] = [data];
  while (stack.length) {
    const value = stack.pop();
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (typeof item === "string") value[i] = visible(item);
        else if (item !== null && typeof item === "object") stack.push(item);
      }
    } else if (value !== null && typeof value === "object") {
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const item = record[key];
        if (typeof item === "string") { if (key !== "text") record[key] = visible(item); }
        else if (item !== null && typeof item === "object") stack.push(item);
      }
    }
  }
  return data;
}

/** Where a pointer is, as a mouse or pointer event says. */
export interface PointerPosition {
  clientX: number;
  clientY: number;
}

export interface Tooltip {
  show(event: PointerPosition, lines: string[]): void;
  move(event: PointerPosition): void;
  hide(): void;
}

export function tooltip(): Tooltip {
  const tip = select("body").append("div").attr("class", "tooltip").attr("role", "tooltip").style("display", "none");
  return {
    show(event, lines) {
      tip.selectAll("div").data(lines).join("div").attr("class", (_, i) => (i === 0 ? "tip-title" : null)).text((d) => d);
      tip.style("display", "block");
      this.move(event);
    },
    move(event) {
      const pad = 14;
      const box = tip.node()!.getBoundingClientRect();
      const x = Math.min(event.clientX + pad, window.innerWidth - box.width - 4);
      const y = Math.min(event.clientY + pad, window.innerHeight - box.height - 4);
      tip.style("left", `${Math.max(4, x)}px`).style("top", `${Math.max(4, y)}px`);
    },
    hide() {
      tip.style("display", "none");
    },
  };
}

/** A table cell: text, a number (right-aligned, grouped digits), or text shown and sorted by a value. */
export type Cell = string | number | { text: string; value: number | string };

export interface TableOptions {
  /** A header click or Enter sorts by that column: numbers largest first, text A to Z; again reverses. */
  sortable?: boolean;
  /** The order to start with. */
  sort?: { column: number; descending: boolean } | null;
  /** Row index → tooltip text. */
  title?: ((row: number) => string) | null;
  /** Row index → a click or Enter on the row. */
  onRow?: ((row: number) => void) | null;
  /** Rows drawn at first, sorted; a button shows the others. */
  limit?: number;
  /** What a row is, in "the first 250 of 3,000 functions" (rows). */
  noun?: string;
  /** Column ids, as the headers' data-sort (for links to a column and for tests). */
  keys?: string[];
  /** Told of every sort and of "show all", so a page that draws the table again keeps them. */
  onSort?: (order: { column: number; descending: boolean }) => void;
  onShowAll?: () => void;
  /** A class on the rows (by index) for which `test` holds: a search's matches. */
  rowClass?: { name: string; test: (row: number) => boolean } | null;
}

/** Sets an attribute unless it already has that value (a write, even of the same value, makes the browser restyle). */
export function setAttr(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

// Where a component is drawn: any d3 selection of one element (d3 types a select by its argument, which pages mix).
export type Parent = Selection<any, unknown, BaseType | null, unknown>;

export function table(parent: Parent, headers: string[], rows: Cell[][], className?: string | null, options: TableOptions = {}) {
  const { sortable = false, title = null, onRow = null, noun = "rows", rowClass = null } = options;
  let limit = options.limit ?? Infinity;
  let order = options.sort || null;
  // In a box of its own that scrolls sideways, so a wide table never widens the page on a phone.
  const t = parent.append("div").attr("class", "table-wrap").append("table").attr("class", className || null);
  const head = t.append("thead").append("tr").selectAll("th").data(headers.map((label, column) => ({ label, column }))).join("th").text((d) => d.label);
  const body = t.append("tbody");
  const more = parent.append("p").attr("class", "note more");
  const moreText = more.append("span");
  more.append("button").attr("type", "button").attr("class", "show-all").text("show all")
    .on("click", () => { limit = Infinity; options.onShowAll?.(); draw(); });
  const items = rows.map((cells, index) => ({ cells, index }));
  type Item = (typeof items)[number];
  function draw() {
    const sorted = order ? [...items].sort((x, y) => {
      const c = compareCells(x.cells[order!.column], y.cells[order!.column]);
      return (order!.descending ? -c : c) || x.index - y.index;
    }) : items;
    const shown = sorted.length > limit ? sorted.slice(0, limit) : sorted;
    const tr = body.selectAll<HTMLTableRowElement, Item>("tr").data(shown).join("tr")
      .attr("title", title ? (d) => title(d.index) : null)
      .attr("data-row", (d) => d.index);
    if (rowClass) tr.classed(rowClass.name, (d) => rowClass.test(d.index));
    tr.selectAll("td").data((d) => d.cells).join("td")
      .attr("class", (d) => (typeof cellValue(d) === "number" ? "num" : null))
      .text(cellText);
    if (onRow) {
      tr.attr("tabindex", 0).classed("clickable", true)
        .on("click", (_, d) => onRow(d.index))
        .on("keydown", (event: KeyboardEvent, d) => { if (event.key === "Enter") onRow(d.index); });
    }
    moreText.text(`The first ${grouped(shown.length)} of ${grouped(sorted.length)} ${noun} (in the order chosen above). `);
    more.style("display", () => (sorted.length > shown.length ? null : "none"));
    head.attr("aria-sort", (d) => (order && order.column === d.column ? (order.descending ? "descending" : "ascending") : null))
      .classed("sorted", (d) => Boolean(order && order.column === d.column));
  }
  if (options.keys) head.attr("data-sort", (d) => options.keys![d.column] ?? null);
  if (sortable) {
    head.attr("tabindex", 0).classed("sortable", true).attr("data-column", (d) => d.column)
      .on("click", (_, d) => sortBy(d.column))
      .on("keydown", (event: KeyboardEvent, d) => { if (event.key === "Enter") sortBy(d.column); });
  }
  function sortBy(column: number) {
    const numeric = items.length > 0 && typeof cellValue(items[0].cells[column]) === "number";
    order = { column, descending: order && order.column === column ? !order.descending : numeric };
    options.onSort?.(order);
    draw();
  }
  draw();
  return t;
}

const cellValue = (cell: Cell) => (cell !== null && typeof cell === "object" ? cell.value : cell);
const cellText = (cell: Cell) => (cell !== null && typeof cell === "object" ? cell.text
  : typeof cell === "number" ? grouped(cell) : cell);

// Numbers by value, text without regard to case or accents (so "Émile" sorts with "Emile"), then exactly.
function compareCells(x: Cell, y: Cell): number {
  const u = cellValue(x), v = cellValue(y);
  if (typeof u === "number" && typeof v === "number") return u - v;
  const a = String(u), b = String(v);
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
const collator = new Intl.Collator("en", { sensitivity: "base", numeric: true });
