export function secretKeyProblem(run: { status: number | null; stdout: string; stderr: string }): string | null;
