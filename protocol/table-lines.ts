/**
 * The route table as text, the same in the terminal (`cors-doctor proxy`) and in the editor's
 * output channel: one line per route (key, arrow, target, flags), the fallback, the notes.
 * Pure: the VS Code client bundles it.
 */
import type { TableInfo } from "./proxy-messages";

export function tableLines(table: TableInfo): string[] {
  const lines: string[] = [];
  const width = Math.max(10, ...table.routes.map((r) => r.key.length));
  for (const r of table.routes) {
    const flags = [r.changeOrigin && "changeOrigin", r.ws && "ws", r.rewrite, r.source === "option" && "(--route)"].filter(Boolean).join(", ");
    lines.push(`  ${r.key.padEnd(width)} -> ${r.target}${flags ? `  ${flags}` : ""}`);
  }
  lines.push(`  ${`(${table.fallback.kind})`.padEnd(width)} -> ${table.fallback.target}`);
  for (const note of table.notes) lines.push(`  note: ${note}`);
  return lines;
}
