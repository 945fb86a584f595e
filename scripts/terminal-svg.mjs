// Renders `cors-doctor check examples/blog` as it looks in a colour terminal into
// docs/demo.svg, the picture at the top of the README. Run after `npm run build`.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const run = spawnSync(process.execPath, ["-e", "process.stdout.isTTY=true;process.argv.splice(1,0,'cli');require('./dist/cli.js')", "check", "examples/blog"], { encoding: "utf8" });
const colors = { 31: "#f14c4c", 33: "#cca700", 36: "#29b8db", 90: "#8b8b8b", 2: "#8b8b8b" };
const width = 118;
const rows = [];
for (const raw of run.stdout.trimEnd().split("\n")) {
  // wrap long lines at the terminal width, keeping colour runs
  const spans = [];
  let color = null;
  for (const part of raw.split(/(\x1b\[\d+m)/)) {
    const m = /^\x1b\[(\d+)m$/.exec(part);
    if (m) color = m[1] === "0" ? null : colors[m[1]] ?? null;
    else if (part) spans.push({ text: part, color });
  }
  let line = [];
  let len = 0;
  for (const s of spans) {
    let text = s.text;
    while (len + text.length > width) {
      const take = width - len;
      line.push({ text: text.slice(0, take), color: s.color });
      rows.push(line);
      line = [];
      len = 0;
      text = "    " + text.slice(take);
    }
    line.push({ text, color: s.color });
    len += text.length;
  }
  rows.push(line);
}
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const lineHeight = 17;
const body = rows
  .map((spans, i) => `<text x="16" y="${44 + i * lineHeight}" xml:space="preserve">${spans.map((s) => (s.color ? `<tspan fill="${s.color}">${esc(s.text)}</tspan>` : esc(s.text))).join("")}</text>`)
  .join("\n");
const height = 60 + rows.length * lineHeight;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width * 7.8 + 32}" height="${height}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="13">
<rect width="100%" height="100%" rx="8" fill="#1e1e1e"/>
<circle cx="20" cy="16" r="5" fill="#ff5f57"/><circle cx="38" cy="16" r="5" fill="#febc2e"/><circle cx="56" cy="16" r="5" fill="#28c840"/>
<g fill="#d4d4d4">
${body}
</g>
</svg>
`;
writeFileSync("docs/demo.svg", svg);
console.log(`docs/demo.svg: ${rows.length} lines`);
