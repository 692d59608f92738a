/** How long archived articles, seen ids, digests and delivery records are kept: `retention.days`, in seconds (Redis TTLs). */
import type { Config } from './types.js';

export function retentionSeconds(config: Config): number {
  return config.settings.retention.days * 86_400;
}
