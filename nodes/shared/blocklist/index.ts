/**
 * The managed blocklist behind "IoC Blocklist" (no n8n imports): rows as stored in an n8n Data
 * Table (rows.ts: key, TTL, merge, expiry, unblock) and the feeds firewalls pull (feed.ts: re-check
 * with checkBlockable, winner rule, rendering through nodes/shared/ioc/export.ts, ETag).
 */
export * from './rows';
export * from './feed';
