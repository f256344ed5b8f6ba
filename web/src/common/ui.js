// Pieces every Kashika view shares: reading the data island, the tooltip, the side panel and plain tables.
// Everything from the report reaches the DOM through textContent (d3's .text()), never as HTML.
import { select } from "d3";

export function readData() {
  return JSON.parse(document.getElementById("kashika-data").textContent);
}

export function tooltip() {
  const tip = select("body").append("div").attr("class", "tooltip").attr("role", "tooltip").style("display", "none");
  return {
    show(event, lines) {
      tip.selectAll("div").data(lines).join("div").attr("class", (_, i) => (i === 0 ? "tip-title" : null)).text((d) => d);
      tip.style("display", "block");
      this.move(event);
    },
    move(event) {
      const pad = 14;
      const box = tip.node().getBoundingClientRect();
      const x = Math.min(event.clientX + pad, window.innerWidth - box.width - 4);
      const y = Math.min(event.clientY + pad, window.innerHeight - box.height - 4);
      tip.style("left", `${Math.max(4, x)}px`).style("top", `${Math.max(4, y)}px`);
    },
    hide() {
      tip.style("display", "none");
    },
  };
}

// A table with a header row; rows are arrays of cells (numbers are right-aligned).
export function table(parent, headers, rows, className) {
  const t = parent.append("table").attr("class", className || null);
  t.append("thead").append("tr").selectAll("th").data(headers).join("th").text((d) => d);
  t.append("tbody").selectAll("tr").data(rows).join("tr")
    .selectAll("td").data((r) => r).join("td")
    .attr("class", (d) => (typeof d === "number" ? "num" : null))
    .text((d) => (typeof d === "number" ? d.toLocaleString("en-US") : d));
  return t;
}
