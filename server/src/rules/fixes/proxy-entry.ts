/**
 * The edit that adds `server.proxy` entries to a Vite config in the file's own style (quotes,
 * indentation, trailing commas), creating `server` and `proxy` when missing. Shared by the
 * fixes of `missing-proxy-entry` and `hardcoded-localhost-url`.
 */
import type { ObjectSlot } from "../../core/facts";
import type { Frontend } from "../../model/topology";
import type { TextEdit } from "../../core/finding";

export interface NewEntry {
  key: string;
  target: string;
  ws: boolean;
}

/** The backend origin a new entry points at: the paired backend's port on 127.0.0.1. */
export function backendOrigin(port: number | undefined): string {
  return `http://127.0.0.1:${port ?? 8000}`;
}

/** One edit adding `entries` to the frontend's proxy table, or undefined when the config cannot take it. */
export function addProxyEntries(frontend: Frontend, entries: NewEntry[]): TextEdit | undefined {
  const config = frontend.config;
  const file = frontend.configFile;
  if (!config || !file || !config.readable || entries.length === 0) return undefined;
  const q = config.quote;
  const unit = config.indentUnit;
  const str = (v: string) => q + v.replace(/\\/g, "\\\\").replace(new RegExp(q, "g"), `\\${q}`) + q;
  const entryText = (e: NewEntry) => `${str(e.key)}: { target: ${str(e.target)}${e.ws ? ", ws: true" : ""} }`;
  if (config.proxySlot) return insertProperties(file, config.proxySlot, entries.map(entryText));
  if (config.proxy !== undefined) return undefined; // a proxy we cannot edit (a const elsewhere, computed)
  const inline = `proxy: { ${entries.map(entryText).join(", ")} }`;
  if (config.serverSlot) {
    const s = config.serverSlot;
    if (!s.multiline) return insertProperties(file, s, [inline]);
    return insertProperties(file, s, [block("proxy", entries.map(entryText), s.indent, s.indent + unit, s.trailingComma)]);
  }
  if (config.configSlot && !config.hasServer) {
    const s = config.configSlot;
    if (!s.multiline) return insertProperties(file, s, [`server: { ${inline} }`]);
    const proxy = block("proxy", entries.map(entryText), s.indent + unit, s.indent + unit + unit, s.trailingComma);
    return insertProperties(file, s, [`server: {\n${s.indent}${unit}${proxy}${s.trailingComma ? "," : ""}\n${s.indent}}`]);
  }
  return undefined;
}

function block(name: string, lines: string[], indent: string, inner: string, comma: boolean): string {
  return `${name}: {\n${lines.map((l) => `${inner}${l}${comma ? "," : ""}`).join("\n")}\n${indent}}`;
}

/** Inserts properties after the object's last one (or into an empty object). */
function insertProperties(file: string, slot: ObjectSlot, props: string[]): TextEdit {
  if (!slot.multiline) {
    const text = props.join(", ");
    if (!slot.lastPropertyEnd) return { file, range: { start: slot.open.end, end: slot.close.start }, newText: ` ${text} ` };
    return { file, range: { start: slot.lastPropertyEnd, end: slot.lastPropertyEnd }, newText: `, ${text}` };
  }
  if (!slot.lastPropertyEnd) {
    const closeIndent = slot.indent.slice(0, Math.max(0, slot.indent.length - (slot.indent.endsWith("\t") ? 1 : 2)));
    return { file, range: { start: slot.open.end, end: slot.close.start }, newText: `\n${props.map((p) => `${slot.indent}${p},`).join("\n")}\n${closeIndent}` };
  }
  if (slot.trailingComma) {
    const at = { line: slot.close.start.line, character: 0 };
    if (slot.close.start.line > slot.lastPropertyEnd.line) return { file, range: { start: at, end: at }, newText: props.map((p) => `${slot.indent}${p},\n`).join("") };
  }
  // After the last property; its own trailing comma, if any, then ends the new one.
  return { file, range: { start: slot.lastPropertyEnd, end: slot.lastPropertyEnd }, newText: props.map((p) => `,\n${slot.indent}${p}`).join("") };
}

