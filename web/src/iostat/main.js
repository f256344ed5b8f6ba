// kashika iostat --format html: the extended report of every recorded interval as time series, one line per device.
import { axisBottom, axisLeft, extent, line, max, pointer, scaleLinear, scaleOrdinal, scaleTime, schemeTableau10, select } from "d3";
import { readData, tooltip } from "../common/ui.js";

const data = readData();
const times = data.times.map((t) => new Date(t));
const hidden = new Set();
const tip = tooltip();
const colour = scaleOrdinal(data.devices.map((d) => d.name), schemeTableau10.concat(["#7f7f7f", "#17becf", "#bcbd22"]));
const width = 1000, height = 420, margin = { top: 16, right: 24, bottom: 36, left: 64 };

select("#title").text(`Kashika iostat: ${data.devices.length} device${data.devices.length === 1 ? "" : "s"}, ${times.length} intervals`);
select("#subtitle").text(`${data.host ? data.host + " · " : ""}${data.times[0] || ""} – ${data.times[data.times.length - 1] || ""} · ${data.generator}`);

const picker = select("#column");
picker.selectAll("option").data(data.columns).join("option").attr("value", (c) => c).text((c) => c);
picker.property("value", data.columns.includes("util") ? "util" : data.columns[0]);
picker.on("change", draw);

const svg = select("#chart").append("svg").attr("viewBox", [0, 0, width, height]).attr("width", width).attr("height", height)
  .attr("role", "img").attr("aria-label", "iostat time series");
const plot = svg.append("g");
const xAxis = svg.append("g").attr("transform", `translate(0,${height - margin.bottom})`);
const yAxis = svg.append("g").attr("transform", `translate(${margin.left},0)`);
const rule = svg.append("line").attr("class", "rule").attr("y1", margin.top).attr("y2", height - margin.bottom).style("display", "none");

const legend = select("#legend").selectAll("label").data(data.devices).join("label").attr("class", "device");
legend.append("input").attr("type", "checkbox").property("checked", true).on("change", (event, d) => {
  if (event.target.checked) hidden.delete(d.name); else hidden.add(d.name);
  draw();
});
legend.append("span").attr("class", "swatch").style("background", (d) => colour(d.name));
legend.append("span").text((d) => d.name);

function draw() {
  const column = picker.property("value");
  const shown = data.devices.filter((d) => !hidden.has(d.name) && d.values[column]);
  const x = scaleTime().domain(extent(times)).range([margin.left, width - margin.right]);
  const top = max(shown, (d) => max(d.values[column], (v) => v ?? 0)) || 1;
  const y = scaleLinear().domain([0, top]).nice().range([height - margin.bottom, margin.top]);
  xAxis.call(axisBottom(x).ticks(8));
  yAxis.call(axisLeft(y).ticks(6));
  const path = line().defined((v) => v !== null).x((_, i) => x(times[i])).y((v) => y(v));
  plot.selectAll("path").data(shown, (d) => d.name).join("path")
    .attr("class", "series").attr("data-device", (d) => d.name)
    .attr("stroke", (d) => colour(d.name)).attr("d", (d) => path(d.values[column]));
  svg.on("mousemove", (event) => {
    const [mx] = pointer(event);
    if (times.length === 0 || mx < margin.left || mx > width - margin.right) return;
    const at = x.invert(mx);
    let i = 0;
    for (let k = 1; k < times.length; k++) if (Math.abs(times[k] - at) < Math.abs(times[i] - at)) i = k;
    rule.style("display", null).attr("x1", x(times[i])).attr("x2", x(times[i]));
    tip.show(event, [`${data.times[i]} · ${column}`, ...shown.map((d) => `${d.name}: ${d.values[column][i] ?? "–"}`)]);
  }).on("mouseleave", () => { rule.style("display", "none"); tip.hide(); });
}

draw();
