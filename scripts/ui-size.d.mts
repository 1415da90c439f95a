export function firstPageScripts(dist?: string): { scripts: { file: string; gzip: number }[]; total: number };
