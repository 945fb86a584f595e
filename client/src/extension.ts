/** Placeholder until the VS Code client issue: the extension entry point. */
export function activate(): void {}
export function deactivate(): void {}
