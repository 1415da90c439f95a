export const MINIMUM: { major: number; minor: number };
export const PINNED: string;
export function recentEnough(version: string): boolean;
export function pinnedBin(env: Record<string, string | undefined>): { cache: string; bin: string };
export function decide(o: { version: string; platform: string; arch: string; pinnedVersion: string | null }):
  | { kind: "as-is" }
  | { kind: "pinned"; install: boolean }
  | { kind: "unsupported" };
export function main(o: {
  argv: string[];
  env?: Record<string, string | undefined>;
  version?: string;
  platform?: string;
  arch?: string;
}): Promise<number | null>;
