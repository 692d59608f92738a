/**
 * Redis key names of the notifier, all under the installation's hash-tagged `{prefix}:` (so the
 * claim script's keys share one cluster slot).
 *
 *   window-end:<sub>:<stream>   ms end of the last claimed window of a stream (digest, alert, admin)
 *   sub-created:<sub>           ms when a scheduler first saw the subscription (its first window's start)
 *   alert-pending:<sub>         instantFor: high — matches waiting for an alert (the digest keeps its own copy)
 *   admin-pending:<sub>         admin events waiting for an admin alert
 *   admin-event:<id>            one admin event as JSON
 *   incident:<source>           an open source-health incident (set once, removed on recovery)
 *   alert-open:<sub>:<stream>   end (ms) of the instant batch window now collecting
 *   digest-items:<id>           the pending members moved into a digest (sorted set, first-seen scores)
 *   digest-meta:<id>            hash: subscription, stream, start, end, claimedAt
 *   digest:<id>                 the built Digest as JSON (retries send identical content)
 *   deliveries:<id>             hash: channel index -> DeliveryRecord JSON
 *   digests:open                sorted set of digest ids not yet finished, by claim time
 *   deliveries:recent           sorted set of digest ids by last delivery activity (the CLI's list)
 */
import type { Keys } from '../store/redis.js';

export type Stream = 'digest' | 'alert' | 'admin';

export class NotifyKeys {
  readonly base: string;

  constructor(keys: Keys) {
    this.base = keys.base;
  }

  windowEnd(sub: string, stream: Stream): string {
    return `${this.base}:window-end:${sub}:${stream}`;
  }
  subCreated(sub: string): string {
    return `${this.base}:sub-created:${sub}`;
  }
  alertPending(sub: string): string {
    return `${this.base}:alert-pending:${sub}`;
  }
  adminPending(sub: string): string {
    return `${this.base}:admin-pending:${sub}`;
  }
  adminEvent(id: string): string {
    return `${this.base}:admin-event:${id}`;
  }
  incident(sourceId: string): string {
    return `${this.base}:incident:${sourceId}`;
  }
  alertOpen(sub: string, stream: Stream): string {
    return `${this.base}:alert-open:${sub}:${stream}`;
  }
  digestItems(id: string): string {
    return `${this.base}:digest-items:${id}`;
  }
  digestMeta(id: string): string {
    return `${this.base}:digest-meta:${id}`;
  }
  digest(id: string): string {
    return `${this.base}:digest:${id}`;
  }
  deliveries(id: string): string {
    return `${this.base}:deliveries:${id}`;
  }
  openDigests(): string {
    return `${this.base}:digests:open`;
  }
  recentDeliveries(): string {
    return `${this.base}:deliveries:recent`;
  }
}
