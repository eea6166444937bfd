export function webBuildIsFresh(): boolean;
export function ensureWebBuild(): void;
