/** Small formatting helpers for messages and summaries. */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * The time reproducible builds stamp their outputs with
 * (https://reproducible-builds.org/specs/source-date-epoch/): undefined when
 * SOURCE_DATE_EPOCH is unset, 'invalid' when it is not whole seconds.
 */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): Date | 'invalid' | undefined {
  const epoch = env.SOURCE_DATE_EPOCH?.trim();
  if (!epoch) return undefined;
  return /^\d+$/.test(epoch) && Number(epoch) * 1000 <= 8.64e15 ? new Date(Number(epoch) * 1000) : 'invalid';
}
